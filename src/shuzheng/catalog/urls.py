from django.urls import path

from shuzheng.catalog import views

app_name = "catalog"

urlpatterns = [
    path("workbench/catalog/", views.dataset_list, name="list"),
    path("workbench/catalog/new/", views.dataset_create, name="create"),
    path("workbench/catalog/<str:code>/", views.dataset_detail, name="dataset"),
    path("workbench/catalog/<str:code>/edit/", views.dataset_edit, name="edit"),
    path("workbench/catalog/<str:code>/compare/", views.dataset_compare, name="compare"),
]
