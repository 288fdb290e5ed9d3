"""Core pages: the health probe, problem-type pages, the portal's public tools and the user's messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shuzheng import __version__
from shuzheng.core import identifiers, selectors, services, workdays
from shuzheng.core.errors import problem_types
from shuzheng.core.forms import IdentifierCheckForm, WorkdayAddForm
from shuzheng.core.notifications import link_is_local

MESSAGES_PAGE_SIZE = 20


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    ok, reason = selectors.database_status()
    if ok:
        return JsonResponse({"status": "ok", "database": "ok", "version": __version__})
    return JsonResponse(
        {"status": "error", "database": "error", "reason": f"database unavailable ({reason})", "version": __version__},
        status=503,
    )


@login_not_required
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin site's)."""
    return HttpResponsePermanentRedirect(static("shuzheng/favicon.svg"))


@login_not_required
def problem_type_detail(request: HttpRequest, slug: str) -> HttpResponse:
    problem_type = problem_types().get(slug)
    if problem_type is None:
        raise Http404
    return render(request, "core/problem_type.html", {"problem_type": problem_type})


# How the parts of a checked number are labelled on the page.
_DETAIL_LABELS = {
    "birth_date": _("出生日期"),
    "sex": _("性别"),
    "region_code": _("地址码 / 区划码"),
    "region_name": _("地区"),
    "registration_authority_name": _("登记管理部门"),
    "category_name": _("机构类别"),
    "org_code": _("主体标识码"),
}
_SEX_NAMES = {"male": _("男"), "female": _("女")}


@login_not_required
def tools_identifier(request: HttpRequest) -> HttpResponse:
    form = IdentifierCheckForm(request.POST or None)
    result = None
    facts: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        result = identifiers.check(form.cleaned_data["kind"], form.cleaned_data["value"])
        for key, label in _DETAIL_LABELS.items():
            value = result.details.get(key)
            if value:
                facts.append((str(label), str(_SEX_NAMES.get(value, value)) if key == "sex" else value))
    # htmx asks for the result fragment only; without JavaScript the whole page comes back.
    partial = request.headers.get("HX-Request") == "true"
    template = "core/_identifier_result.html" if partial else "core/tools_identifier.html"
    return render(request, template, {"form": form, "result": result, "facts": facts})


@login_not_required
def tools_workdays(request: HttpRequest) -> HttpResponse:
    form = WorkdayAddForm(request.GET if "start" in request.GET else None)
    result = None
    if form.is_bound and form.is_valid():
        calendar = workdays.work_calendar()
        start, days = form.cleaned_data["start"], form.cleaned_data["days"]
        try:
            end = calendar.add_working_days(start, days)
        except workdays.CalendarUnknownError as exc:
            form.add_error(None, gettext("%(year)d 年的节假日安排尚未录入，暂无法推算") % {"year": exc.day.year})
        except ValueError:
            form.add_error("days", gettext("推算结果超出日期范围"))
        else:
            result = {"end": end, "official": calendar.covers(start, end), "end_day": calendar.day(end)}
    return render(request, "core/tools_workdays.html", {"form": form, "result": result})


@login_not_required
def regions_browse(request: HttpRequest, code: str | None = None) -> HttpResponse:
    region = selectors.region_get(code=code) if code else None
    if code and region is None:
        raise Http404
    children = selectors.region_list(parent=region.code if region else None, level=None if region else "province")
    path = selectors.region_path(region=region) if region else []
    return render(request, "core/regions.html", {"region": region, "children": children, "path": path})


# --- the signed-in user's messages (every page here needs a session: the default) --------------


@require_GET
def messages_page(request: HttpRequest) -> HttpResponse:
    """我的消息: the user's own in-site messages, newest first, unread ones marked."""
    page = Paginator(selectors.messages_of(user=request.user), MESSAGES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/messages.html", {"page": page})


@require_POST
def message_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the message read and go where it points; someone else's message does not exist here."""
    message = get_object_or_404(selectors.messages_of(user=request.user), pk=pk)
    services.message_read(user=request.user, message=message)
    if message.link and link_is_local(message.link):
        return redirect(message.link)
    return redirect("core:messages")


@require_POST
def messages_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.messages_read_all(user=request.user)
    if count:
        text = ngettext("已将 %(count)d 条消息标为已读", "已将 %(count)d 条消息标为已读", count) % {"count": count}
        messages.success(request, text)
    return redirect("core:messages")
