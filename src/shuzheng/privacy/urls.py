from django.urls import path

from shuzheng.privacy import views

app_name = "privacy"

urlpatterns = [
    path("workbench/privacy/", views.policies_page, name="policies"),
    path("workbench/privacy/review/", views.review_page, name="review"),
    path("workbench/privacy/datasets/<str:code>/", views.dataset_page, name="dataset"),
]
