from django.urls import path

from shuzheng.eservices.views import items, pledges, portal, ratings, workbench

app_name = "eservices"

urlpatterns = [
    # The portal: find an item, read its guide, apply, follow one's cases.
    path("services/", portal.items, name="items"),
    path("services/<str:code>/", portal.guide, name="guide"),
    path("services/<str:code>/apply/", portal.apply, name="apply"),
    path("my/cases/", portal.my_cases, name="my-cases"),
    path("my/cases/<uuid:uid>/", portal.my_case, name="my-case"),
    path("my/cases/<uuid:uid>/edit/", portal.edit, name="edit"),
    path("my/cases/<uuid:uid>/discard/", portal.draft_discard, name="discard"),
    path("my/cases/<uuid:uid>/materials/<uuid:material>/", portal.my_material, name="my-material"),
    # The workbench: to-do list, the department's cases, one case and its actions, supervision.
    path("workbench/cases/", workbench.todo, name="todo"),
    path("workbench/cases/all/", workbench.cases, name="cases"),
    path("workbench/cases/overdue/", workbench.overdue, name="overdue"),
    path("workbench/cases/<uuid:uid>/", workbench.case, name="case"),
    path("workbench/cases/<uuid:uid>/materials/<uuid:material>/", workbench.material, name="material"),
    # The department's service items: import, export, review and publication.
    path("workbench/items/", items.items, name="items-manage"),
    path("workbench/items/export.xlsx", items.items_export, name="items-export"),
    path("workbench/items/<int:pk>/", items.item, name="item-manage"),
    # 告知承诺: checking the promises that earned an approval at once.
    path("workbench/commitments/", pledges.commitments, name="commitments"),
    path("workbench/commitments/<int:pk>/", pledges.commitment, name="commitment"),
    # 好差评: rectifying bad ratings, appeals, statistics.
    path("workbench/ratings/", ratings.rectifications, name="rectifications"),
    path("workbench/ratings/statistics/", ratings.statistics, name="rating-statistics"),
    path("workbench/ratings/<int:pk>/", ratings.rectification, name="rectification"),
]
