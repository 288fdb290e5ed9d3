from django.urls import path

from shuzheng.sharing import views

app_name = "sharing"

urlpatterns = [
    path("workbench/sharing/", views.home, name="home"),
    path("workbench/sharing/new/<str:code>/", views.request_new, name="request-new"),
    path("workbench/sharing/requests/<str:number>/", views.request_page, name="request"),
    path("workbench/sharing/grants/<int:pk>/", views.grant_page, name="grant"),
    path("workbench/sharing/calls/", views.calls_page, name="calls"),
    path("workbench/sharing/objections/", views.objections_page, name="objections"),
    path("my/data-use/", views.my_data_use, name="my-data-use"),
]
