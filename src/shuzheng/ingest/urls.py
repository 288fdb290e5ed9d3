from django.urls import path

from shuzheng.ingest import views

app_name = "ingest"

urlpatterns = [
    path("workbench/ingest/", views.pipeline_list, name="list"),
    path("workbench/ingest/sources/", views.source_list, name="sources"),
    path("workbench/ingest/sources/new/", views.source_create, name="source-create"),
    path("workbench/ingest/pipelines/new/", views.pipeline_create, name="pipeline-create"),
    path("workbench/ingest/pipelines/<int:pk>/", views.pipeline_detail, name="pipeline"),
    path("workbench/ingest/runs/<int:pk>/", views.run_detail, name="run"),
]
