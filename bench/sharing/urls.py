"""The bare endpoint the governed lookup is compared with: a django-ninja operation doing the same
point query through the same warehouse index, with no authentication, grant, masking or record."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path
from ninja import NinjaAPI

from shuzheng.catalog import selectors as catalog
from shuzheng.sharing.schemas import LookupIn

bare = NinjaAPI(urls_namespace="bench-bare", docs_url=None, openapi_url=None)


@bare.post("/datasets/{code}/lookup", auth=None)
def lookup(request: HttpRequest, code: str, payload: LookupIn) -> Any:
    dataset = catalog.dataset_published(code=code)
    assert dataset is not None
    columns = [field.name for field in dataset.fields.all()]
    rows = catalog.dataset_rows_lookup(dataset=dataset, field=payload.field, values=[payload.value], columns=columns)
    return {"records": rows}


# Under /api/v1/ like the governed API, so that the pages' sign-in rule leaves it alone too.
urlpatterns = [path("api/v1/bench/", bare.urls), path("", include("shuzheng.urls"))]
