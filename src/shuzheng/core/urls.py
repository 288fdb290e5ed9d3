from django.urls import path

from shuzheng.core import views

app_name = "core"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("problems/<slug:slug>", views.problem_type_detail, name="problem-type"),
    path("tools/identifier/", views.tools_identifier, name="tools-identifier"),
    path("tools/workdays/", views.tools_workdays, name="tools-workdays"),
    path("regions/", views.regions_browse, name="regions"),
    path("regions/<str:code>/", views.regions_browse, name="region"),
    path("messages/", views.messages_page, name="messages"),
    path("messages/<int:pk>/open/", views.message_open, name="message-open"),
    path("messages/read-all/", views.messages_mark_all_read, name="messages-read-all"),
]
