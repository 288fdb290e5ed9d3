from django.urls import path

from shuzheng.quality import views

app_name = "quality"

urlpatterns = [
    path("workbench/quality/rules/<str:code>/", views.rules_page, name="rules"),
    path("workbench/quality/rules/<str:code>/export.yaml", views.rules_export, name="rules-export"),
    path("workbench/quality/", views.scorecard, name="scorecard"),
    path("workbench/quality/ranking/", views.ranking, name="ranking"),
    path("workbench/quality/tickets/", views.tickets, name="tickets"),
    path("workbench/quality/tickets/<str:number>/", views.ticket, name="ticket"),
    path("workbench/quality/datasets/<str:code>/", views.dataset, name="dataset"),
    path("workbench/quality/datasets/<str:code>/report/", views.report, name="report"),
    path("workbench/quality/runs/<int:pk>/failures.<str:fmt>", views.failures, name="failures"),
    path("open/datasets/<slug:name>/report-problem/", views.portal_report, name="portal-report"),
]
