from django.urls import path

from shuzheng.quality import views

app_name = "quality"

urlpatterns = [
    path("workbench/quality/rules/<str:code>/", views.rules_page, name="rules"),
    path("workbench/quality/rules/<str:code>/export.yaml", views.rules_export, name="rules-export"),
]
