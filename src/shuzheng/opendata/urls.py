from django.urls import path

from shuzheng.opendata import ckan, views

app_name = "opendata"

urlpatterns = [
    path("open/", views.home, name="home"),
    path("open/datasets/", views.search, name="search"),
    path("open/datasets/<slug:name>/", views.dataset_page, name="dataset"),
    path("open/datasets/<slug:name>/download.<str:fmt>", views.download, name="download"),
    path("open/datasets/<slug:name>/apply/", views.apply, name="apply"),
    path("open/applications/", views.applications, name="applications"),
    path("open/applications/<str:number>/", views.application, name="application"),
    path("workbench/open-applications/", views.department_applications, name="department-applications"),
    path("workbench/open-applications/<str:number>/", views.department_application, name="department-application"),
    path("open/organisations/<int:pk>/", views.organisation, name="organisation"),
    path("open/themes/<slug:code>/", views.theme, name="theme"),
    path("open/developers/", views.developers, name="developers"),
    path("catalog.ttl", views.catalog, {"extension": "ttl"}, name="catalog-ttl"),
    path("catalog.jsonld", views.catalog, {"extension": "jsonld"}, name="catalog-jsonld"),
    path("catalog.rdf", views.catalog, {"extension": "rdf"}, name="catalog-rdf"),
    path("open/datasets/<slug:name>.ttl", views.dataset, {"extension": "ttl"}, name="dataset-ttl"),
    path("open/datasets/<slug:name>.jsonld", views.dataset, {"extension": "jsonld"}, name="dataset-jsonld"),
    path("open/datasets/<slug:name>.rdf", views.dataset, {"extension": "rdf"}, name="dataset-rdf"),
    # CKAN's Action API; ckanapi calls the unversioned address.
    path("api/3/action/<str:action>", ckan.action, name="ckan-action"),
    path("api/action/<str:action>", ckan.action, name="ckan-action-unversioned"),
]
