"""Workbench pages of the service-item catalogue: the department's items with their versions,
import (JSON or Excel) and export, sending a draft for review, and the review that publishes it."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from shuzheng.accounts.selectors import user_can
from shuzheng.core.access import official_required
from shuzheng.core.errors import Problem
from shuzheng.eservices import selectors, services
from shuzheng.eservices.views import text
from shuzheng.eservices.workbook import items_from_workbook, items_workbook

IMPORT_MAX_BYTES = 10 * 1024 * 1024


@official_required
def items(request: HttpRequest) -> HttpResponse:
    """The department's items; POST imports a JSON or Excel file of item definitions as drafts."""
    if not (user_can(request.user, selectors.ITEM_EDIT) or user_can(request.user, selectors.ITEM_REVIEW)):
        return render(request, "workbench/forbidden.html", status=403)
    if request.method == "POST":
        try:
            count = len(services.items_import(definitions=_definitions(request), user=request.user))
        except Problem as problem:
            for error in problem.errors or [{"detail": problem.detail}]:
                messages.error(request, str(error["detail"]))
        else:
            messages.success(request, gettext("已导入 %(count)d 个事项，保存为草稿") % {"count": count})
        return redirect("eservices:items-manage")
    rows = [(item, selectors.version_open(item=item)) for item in selectors.items_editable(user=request.user)]
    return render(request, "eservices/workbench/items.html", {"rows": rows})


def _definitions(request: HttpRequest) -> list[dict[str, object]]:
    upload = request.FILES.get("file")
    if upload is None:
        raise Problem(400, gettext("请选择要导入的文件"))
    if upload.size is None or upload.size > IMPORT_MAX_BYTES:
        raise Problem(413, gettext("文件过大"))
    data = upload.read()
    if upload.name and upload.name.lower().endswith(".json"):
        try:
            parsed = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise Problem(400, gettext("不是有效的 UTF-8 JSON 文件")) from None
        return parsed if isinstance(parsed, list) else [parsed]
    return items_from_workbook(data)


@official_required
def items_export(request: HttpRequest) -> HttpResponse:
    """The department's items in force as an Excel workbook, in the layout import reads."""
    definitions = [item.published.definition for item in selectors.items_editable(user=request.user) if item.published]
    response = HttpResponse(
        items_workbook(definitions),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="items.xlsx"'
    return response


@official_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.item_editable(user=request.user, pk=pk)
    if found is None:
        raise Http404
    draft = selectors.version_open(item=found)
    if request.method == "POST" and draft is not None:
        action, note = request.POST.get("action", ""), text(request.POST, "note", 4000)
        try:
            if action == "submit":
                services.version_submit(version=draft, user=request.user, request=request)
            elif action in ("publish", "return"):
                services.version_review(
                    version=draft, user=request.user, approve=action == "publish", note=note, request=request
                )
            else:
                raise Problem(400, gettext("未知的操作"))
        except Problem as problem:
            messages.error(request, problem.detail)
        else:
            messages.success(request, gettext("已保存"))
        return redirect("eservices:item-manage", pk)
    context = {
        "item": found,
        "draft": draft,
        "versions": selectors.item_versions(item=found),
        "definition": json.dumps(draft.definition if draft else {}, ensure_ascii=False, indent=2),
        "may_edit": user_can(request.user, selectors.ITEM_EDIT),
        "may_review": user_can(request.user, selectors.ITEM_REVIEW),
    }
    return render(request, "eservices/workbench/item.html", context)
