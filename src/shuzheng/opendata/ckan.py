"""CKAN's Action API (version 3) over the open catalogue, so ckanapi, harvesters and CKAN scripts work unchanged.

``/api/3/action/<name>`` (and ``/api/action/<name>``, the address ckanapi
calls) takes GET query parameters or a POSTed JSON object and answers in
CKAN's envelope: ``{"help", "success": true, "result"}``, or
``{"help", "success": false, "error": {"__type", "message", <field>: [...]}}``
with CKAN's status (400 bad request or query, 403, 404, 409 invalid input).

Everything read comes from ``catalog.selectors.datasets_open()``: a restricted
(受限开放), closed (禁止开放) or unpublished dataset, and its resources, answer
exactly as a missing one, and appear in no list, search, facet or tag. The API
is read-only; CKAN's write actions answer "Authorization Error".

How catalogue things are named to CKAN clients:

- dataset: ``id`` is the catalogue code (``330100-000001``), ``name`` the
  ``ds-…`` slug; either is accepted where CKAN takes "id or name";
- organisation: ``id`` and ``name`` are ``org-<primary key>``, which survives
  the renaming of a department (common after 机构改革) and needs no column of
  its own; the Chinese name is the ``title`` and is accepted wherever a name is;
- group: one per theme, named by the theme's code (``market``);
- tag: a keyword; resource: ``id`` is the resource's key.

Times are UTC without an offset, as CKAN writes them. ``metadata_modified`` is
the later of the metadata's and the newest resource's change, so a harvester
asking for ``metadata_modified:[… TO *]`` also sees new rows.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Case, Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest, JsonResponse, QueryDict
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from shuzheng.catalog.selectors import (
    datasets_matching,
    datasets_open,
    resource_columns,
    resource_open,
    resource_rows,
)
from shuzheng.opendata import limits, services
from shuzheng.opendata.dcat import FILE_FORMATS

SEARCH_ROWS_MAX = 1000  # CKAN's ckan.search.rows_max
DATASTORE_ROWS_MAX = 32000  # ckan.datastore.search.rows_max
FACETS = ("organization", "groups", "tags", "res_format", "license_id")
# CKAN's actions that change something: a read-only API refuses them as CKAN refuses an unauthorised caller.
WRITE_ACTION = re.compile(
    r"(_create|_update|_update_many|_patch|_delete|_purge|_upsert|_reorder|_revise|_invite|_revoke|_clear"
    r"|_cancel|_run_triggers|_mark_activities_old|_default_resource_views|_generate_apikey)$"
    r"|^(un)?follow_|^bulk_update_|^send_"
)
_TRUE = {"true", "yes", "t", "y", "1", "on"}
# CKAN's datastore types for the catalogue's field types.
_DATASTORE_TYPES = {
    "string": "text",
    "integer": "int",
    "decimal": "numeric",
    "date": "date",
    "datetime": "timestamp",
    "boolean": "bool",
}
# The licences of CKAN's own register, recognised by the address configured for open data.
_LICENCES = (
    ("creativecommons.org/licenses/by-sa/", "cc-by-sa", "Creative Commons Attribution Share-Alike", True),
    ("creativecommons.org/licenses/by-nc", "cc-nc", "Creative Commons Non-Commercial", False),
    ("creativecommons.org/licenses/by/", "cc-by", "Creative Commons Attribution", True),
    ("creativecommons.org/publicdomain/zero/", "cc-zero", "Creative Commons CCZero", True),
    ("opendatacommons.org/licenses/odbl", "odc-odbl", "Open Data Commons Open Database License (ODbL)", True),
    ("opendatacommons.org/licenses/by", "odc-by", "Open Data Commons Attribution License", True),
    ("opendatacommons.org/licenses/pddl", "odc-pddl", "Open Data Commons Public Domain Dedication and License", True),
)
_ALL = Q(pk__isnull=False)
_NONE = Q(pk__in=[])


# --- errors, in CKAN's kinds -------------------------------------------------------------------


class ActionError(Exception):
    status = 400
    kind = "Bad Request"

    def __init__(self, message: str, fields: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.fields = dict(fields or {})

    def body(self) -> dict[str, Any]:
        return {"__type": self.kind, "message": str(self), **self.fields}


class NotFound(ActionError):
    status, kind = 404, "Not Found Error"


class Invalid(ActionError):
    status, kind = 409, "Validation Error"

    def __init__(self, fields: Mapping[str, list[str]]) -> None:
        super().__init__(gettext("输入有误：%(fields)s") % {"fields": ", ".join(fields)}, fields)


class Forbidden(ActionError):
    status, kind = 403, "Authorization Error"


class SearchQueryError(ActionError):
    kind = "Search Query Error"


# --- parameters, as lenient as CKAN's validators ----------------------------------------------------------


class Params:
    """An action's parameters: strings from a query string or form, any JSON from a POSTed object."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    def text(self, name: str, default: str = "") -> str:
        value = self.data.get(name)
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if value is None:
            return default
        if isinstance(value, list | dict):
            raise Invalid({name: [gettext("应为字符串")]})
        return str(value)

    def required(self, name: str) -> str:
        value = self.text(name).strip()
        if not value:
            raise Invalid({name: [gettext("缺少值")]})
        return value

    def integer(self, name: str, default: int, *, maximum: int | None = None, minimum: int = 0) -> int:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            number = int(value.strip()) if isinstance(value, str) else int(value)
        except (TypeError, ValueError):
            raise Invalid({name: [gettext("不是有效的整数")]}) from None
        if number < minimum:
            raise Invalid({name: [gettext("不能小于 %(minimum)d") % {"minimum": minimum}]})
        return number if maximum is None else min(number, maximum)

    def boolean(self, name: str, default: bool) -> bool:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        return value if isinstance(value, bool) else str(value).strip().lower() in _TRUE

    def structured(self, name: str) -> Any:
        """A value that a query string carries as JSON text (``filters``, ``facet.field``)."""
        value = self.data.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise Invalid({name: [gettext("不是有效的 JSON")]}) from None
        return value

    def names(self, name: str) -> list[str]:
        """A list of names, given as a list, as JSON, or comma- or space-separated."""
        value = self.data.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            if not value.strip().startswith("["):
                return [part for part in re.split(r"[\s,]+", value) if part]
            value = self.structured(name)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise Invalid({name: [gettext("应为名称列表")]})
        return [item.strip() for item in value if item.strip()]


class Call:
    """One action call: its parameters and the site's addresses."""

    def __init__(self, params: Params, request: HttpRequest) -> None:
        self.params = params
        self.base = request.build_absolute_uri(get_script_prefix())

    def page(self, name: str) -> str:
        return f"{self.base}open/datasets/{name}/"


# --- names and dictionaries ----------------------------------------------------------------------------------


def organisation_name(pk: int) -> str:
    return f"org-{pk}"


def _organisation_pk(value: str) -> int | None:
    match = re.fullmatch(r"org-(\d+)", value)
    return int(match[1]) if match else None


def _themes() -> dict[str, str]:
    field = datasets_open().model._meta.get_field("theme")
    return {str(code): str(label) for code, label in field.choices or ()}


def _theme_code(value: str) -> str | None:
    themes = _themes()
    if value in themes:
        return value
    return next((code for code, label in themes.items() if label == value), None)


def licence() -> dict[str, Any]:
    """CKAN's description of the licence every open dataset carries (``SHUZHENG_OPEN_DATA_LICENCE``)."""
    url = settings.SHUZHENG_OPEN_DATA_LICENCE
    plain = re.sub(r"^https?://(www\.)?", "", url)
    for prefix, licence_id, title, is_open in _LICENCES:
        if plain.startswith(prefix):
            version = re.search(r"/(\d+\.\d+)", plain)
            return {
                "id": licence_id,
                "title": f"{title} {version[1]}" if version else title,
                "url": url,
                "open": is_open,
            }
    return {"id": "other-open", "title": gettext("其他开放许可"), "url": url, "open": True}


def ckan_time(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    if timezone.is_aware(moment):
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment.isoformat()


def organisation_dict(pk: int, title: str, count: int | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": organisation_name(pk),
        "name": organisation_name(pk),
        "title": title,
        "display_name": title,
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "type": "organization",
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
    }
    if count is not None:
        result["package_count"] = count
    return result


def group_dict(code: str, title: str, count: int | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": code,
        "name": code,
        "title": title,
        "display_name": title,
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "type": "group",
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
    }
    if count is not None:
        result["package_count"] = count
    return result


def resource_dict(resource: Any, dataset: Any, call: Call, position: int) -> dict[str, Any]:
    """A resource as CKAN describes one; files are fetched from the portal's download address."""
    media = FILE_FORMATS.get(resource.format)
    if media is not None:
        url = f"{call.page(dataset.name)}download.{media[0].lower()}"
    else:
        url = resource.url or call.page(dataset.name)
    return {
        "id": resource.key,
        "package_id": dataset.code,
        "name": resource.name,
        "description": "",
        "format": resource.format,
        "mimetype": media[1] if media else None,
        "url": url,
        "url_type": None,
        "resource_type": None,
        "size": resource.size,
        "hash": f"sm3:{resource.checksum}" if resource.checksum else "",
        "created": ckan_time(resource.created_at),
        "last_modified": ckan_time(resource.updated_at),
        "metadata_modified": ckan_time(resource.updated_at),
        "position": position,
        "state": "active",
        "datastore_active": bool(resource.table),
    }


def package_dict(dataset: Any, call: Call) -> dict[str, Any]:
    """A dataset as CKAN's ``package_show`` describes one (read with ``_packages``)."""
    terms = licence()
    theme = str(dataset.get_theme_display())
    tags = [
        {"id": word, "name": word, "display_name": word, "state": "active", "vocabulary_id": None}
        for word in dataset.keywords
    ]
    resources = [
        resource_dict(resource, dataset, call, index) for index, resource in enumerate(dataset.resources.all())
    ]
    extras = {
        "grade": dataset.grade,
        "open_type": dataset.open_type,
        "update_frequency": dataset.update_frequency,
        # Not "spatial": CKAN's spatial extension reads that key as GeoJSON.
        "spatial_code": dataset.spatial_id,
        "spatial_name": dataset.spatial.name,
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else "",
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else "",
    }
    return {
        "id": dataset.code,
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.description,
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": terms["open"],
        "url": call.page(dataset.name),
        "version": str(dataset.version),
        "author": dataset.organisation.name,
        "author_email": None,
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email or None,
        "license_id": terms["id"],
        "license_title": terms["title"],
        "license_url": terms["url"],
        "metadata_created": ckan_time(dataset.created_at),
        "metadata_modified": ckan_time(getattr(dataset, "ckan_modified", dataset.updated_at)),
        "owner_org": organisation_name(dataset.organisation_id),
        "organization": organisation_dict(dataset.organisation_id, dataset.organisation.name),
        "groups": [group_dict(dataset.theme, theme)],
        "tags": tags,
        "num_tags": len(tags),
        "resources": resources,
        "num_resources": len(resources),
        "extras": [{"key": key, "value": value} for key, value in sorted(extras.items()) if value],
        "creator_user_id": None,
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


# --- reading the open catalogue --------------------------------------------------------------------


def _packages(datasets: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Open datasets with what a package dict needs: one query for them, one for all their resources."""
    latest_resource = (
        datasets_open()
        .filter(pk=OuterRef("pk"))
        .order_by()
        .values("pk")
        .annotate(latest=Max("resources__updated_at"))
        .values("latest")
    )
    datasets = datasets_open() if datasets is None else datasets
    return datasets.annotate(
        ckan_modified=Greatest("updated_at", Coalesce(Subquery(latest_resource), "updated_at"))
    ).prefetch_related("resources")


def _dataset(identifier: str) -> Any:
    found = _packages().filter(Q(code=identifier) | Q(name=identifier)).first()
    if found is None:
        raise NotFound(gettext("未找到：数据集 %(id)s") % {"id": identifier})
    return found


def _organisations() -> list[tuple[int, str, int]]:
    """(primary key, name, open datasets) of every organisation that opens data."""
    rows = datasets_open().order_by().values("organisation_id", "organisation__name").annotate(count=Count("pk"))
    return sorted((row["organisation_id"], row["organisation__name"], row["count"]) for row in rows)


def _organisation(identifier: str) -> tuple[int, str, int]:
    pk = _organisation_pk(identifier)
    for organisation in _organisations():
        if organisation[0] == pk or organisation[1] == identifier:
            return organisation
    raise NotFound(gettext("未找到：机构 %(id)s") % {"id": identifier})


def _ordered_names(items: list[Any], sort: str, keys: Mapping[str, Callable[[Any], Any]]) -> list[Any]:
    words = sort.split()
    if not words or words[0] not in keys or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
        raise Invalid({"sort": [gettext("只能按 %(keys)s 排序") % {"keys": ", ".join(keys)}]})
    descending = (len(words) == 2 and words[1] == "desc") or (len(words) == 1 and words[0] in ("packages",))
    return sorted(items, key=keys[words[0]], reverse=descending)


# --- search: CKAN's q and fq over the catalogue ------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<op>AND|OR|NOT|&&|\|\|)(?=\s|$)
      | (?P<sign>[+-]?)(?P<field>[A-Za-z_][\w.]*):(?:
            "(?P<quoted>(?:[^"\\]|\\.)*)"
          | (?P<open>[\[{])\s*(?P<low>\S+)\s+TO\s+(?P<high>[^\]}\s]+)\s*(?P<close>[\]}])
          | (?P<plain>(?:[^\s()"\\]|\\.)+)
        )
      | (?P<wsign>[+-]?)(?:"(?P<phrase>(?:[^"\\]|\\.)*)"|(?P<word>(?:[^\s()"\\]|\\.)+))
    )""",
    re.VERBOSE,
)
_NOW = re.compile(r"NOW(?:([+-])(\d+)(MINUTE|HOUR|DAY)S?)?", re.IGNORECASE)
_SORTS = {
    "score": "ckan_score",
    "metadata_modified": "ckan_modified",
    "metadata_created": "created_at",
    "title_string": "title",
    "title": "title",
    "name": "name",
    "id": "code",
}
Term = tuple[str | None, Any, bool]  # (field or None for text, value or range, negated)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _parse(query: str) -> list[list[Term]]:
    """Solr's query syntax as CKAN clients write it: ``field:value``, ``field:"a b"``, ``-field:x``,
    ``a OR b``, ``AND``, ``metadata_modified:[2024-01-01T00:00:00Z TO *]``; a list of OR-groups, all required."""
    groups: list[list[Term]] = []
    position, join, negate = 0, False, False
    query = query.strip()
    while position < len(query):
        match = _TOKEN.match(query, position)
        if match is None or match.end() == position:
            raise SearchQueryError(gettext("无法解析的检索式：%(query)s") % {"query": query[position:][:40]})
        position = match.end()
        if match["op"]:
            join = match["op"] in ("OR", "||") and bool(groups)
            negate = match["op"] == "NOT"
            continue
        negated = negate or (match["sign"] or match["wsign"]) == "-"
        term: Term
        if match["field"]:
            if match["open"]:
                value: Any = (match["low"], match["high"], match["open"] == "[", match["close"] == "]")
            else:
                value = _unescape(match["quoted"] if match["quoted"] is not None else match["plain"])
            term = (match["field"].lower(), value, negated)
        else:
            text = _unescape(match["phrase"] if match["phrase"] is not None else match["word"])
            if text in ("*", "*:*"):
                continue
            term = (None, text, negated)
        if join:
            groups[-1].append(term)
        else:
            groups.append([term])
        join, negate = False, False
    return groups


def _moment(text: str) -> datetime.datetime | None:
    if text == "*":
        return None
    now = _NOW.fullmatch(text)
    if now is not None:
        moment = timezone.now()
        if now[1]:
            step = datetime.timedelta(**{f"{now[3].lower()}s": int(now[2])})
            moment = moment + step if now[1] == "+" else moment - step
        return moment
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SearchQueryError(gettext("无法识别的时间：%(value)s") % {"value": text}) from None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)


def _term_condition(field: str | None, value: Any) -> Q:
    if field in (None, "text", "title", "notes"):
        return Q(pk__in=datasets_matching(datasets_open(), str(value)).values("pk"))
    if isinstance(value, tuple):
        column = {"metadata_modified": "ckan_modified", "metadata_created": "created_at"}.get(field or "")
        if column is None:
            raise SearchQueryError(gettext("%(field)s 不能按范围检索") % {"field": field})
        low, high, low_inclusive, high_inclusive = value
        condition = _ALL
        if (start := _moment(low)) is not None:
            condition &= Q(**{f"{column}__{'gte' if low_inclusive else 'gt'}": start})
        if (end := _moment(high)) is not None:
            condition &= Q(**{f"{column}__{'lte' if high_inclusive else 'lt'}": end})
        return condition
    if field in ("organization", "owner_org"):
        if value == "*":
            return _ALL
        pk = _organisation_pk(value)
        return Q(organisation_id=pk) if pk is not None else Q(organisation__name=value)
    if field == "groups":
        code = _theme_code(value)
        return _ALL if value == "*" else Q(theme=code) if code else _NONE
    if field == "tags":
        words = datasets_open().order_by().values_list("pk", "keywords")
        return Q(pk__in=[pk for pk, keywords in words if keywords and (value == "*" or value in keywords)])
    if field == "res_format":
        with_format = datasets_open().filter(resources__isnull=False)
        if value != "*":
            with_format = with_format.filter(resources__format__iexact=value)
        return Q(pk__in=with_format.values("pk"))
    fixed = {"license_id": licence()["id"], "dataset_type": "dataset", "type": "dataset", "state": "active"}
    if field in fixed:
        return _ALL if value in ("*", fixed[field]) else _NONE
    if field in ("name", "id"):
        return _ALL if value == "*" else Q(**{"name" if field == "name" else "code": value})
    raise SearchQueryError(gettext("不支持按 %(field)s 检索") % {"field": field})


def _searched(query: str, filter_query: str) -> tuple[QuerySet[Any], str]:
    """Open datasets matching ``q`` and ``fq``, and the free text of ``q`` (for the score)."""
    datasets = _packages()
    words: list[str] = []
    for source, groups in (("q", _parse(query)), ("fq", _parse(filter_query))):
        for group in groups:
            field, value, negated = group[0]
            if len(group) == 1 and field is None and not negated:
                datasets = datasets_matching(datasets, value)
                words += [value] if source == "q" else []
                continue
            conditions = (~_term_condition(f, v) if n else _term_condition(f, v) for f, v, n in group)
            datasets = datasets.filter(reduce(or_, conditions))
    return datasets, " ".join(words)


def _ordering(sort: str) -> list[Any]:
    order: list[Any] = []
    for part in sort.split(","):
        words = part.split()
        if not words:
            continue
        direction = words[1].lower() if len(words) == 2 else ("desc" if words[0] == "score" else "asc")
        if words[0] not in _SORTS or len(words) > 2 or direction not in ("asc", "desc"):
            raise SearchQueryError(gettext("无法排序：%(sort)s") % {"sort": part.strip()})
        column = F(_SORTS[words[0]])
        order.append(column.desc() if direction == "desc" else column.asc())
    return [*order, F("code").asc()]  # a total order, so that pages neither repeat nor skip


def _facet(datasets: QuerySet[Any], field: str, total: int) -> list[tuple[str, str, int]]:
    """(name, display name, count) of each value of ``field`` among ``datasets``."""
    matched = datasets_open().order_by().filter(pk__in=datasets.values("pk"))
    if field == "organization":
        rows = matched.values("organisation_id", "organisation__name").annotate(count=Count("pk"))
        return [(organisation_name(r["organisation_id"]), r["organisation__name"], r["count"]) for r in rows]
    if field == "groups":
        themes = _themes()
        rows = matched.values("theme").annotate(count=Count("pk"))
        return [(r["theme"], themes.get(r["theme"], r["theme"]), r["count"]) for r in rows]
    if field == "tags":
        counted = Counter(word for words in matched.values_list("keywords", flat=True) for word in set(words or ()))
        return [(word, word, count) for word, count in counted.items()]
    if field == "res_format":
        rows = (
            matched.filter(resources__isnull=False)
            .values("resources__format")
            .annotate(count=Count("pk", distinct=True))
        )
        return [(r["resources__format"], r["resources__format"], r["count"]) for r in rows]
    terms = licence()
    return [(terms["id"], terms["title"], total)] if total else []


# --- the actions ----------------------------------------------------------------------------------------

Action = Callable[[Call], Any]
ACTIONS: dict[str, Action] = {}


def _action(function: Action) -> Action:
    ACTIONS[function.__name__] = function
    return function


@_action
def status_show(call: Call) -> dict[str, Any]:
    """The site's name, address and the CKAN API it speaks."""
    return {
        "site_title": gettext("%(publisher)s公共数据开放平台") % {"publisher": settings.SHUZHENG_PORTAL_PUBLISHER},
        "site_description": gettext("各部门无条件开放的公共数据"),
        "site_url": call.base.rstrip("/"),
        # The CKAN release whose Action API shapes this follows.
        "ckan_version": "2.10.0",
        "error_emails_to": None,
        "locale_default": "zh_Hans_CN",
        "extensions": ["datastore"],
    }


@_action
def site_read(call: Call) -> bool:
    """True: the site may be read."""
    return True


@_action
def help_show(call: Call) -> str:
    """The documentation of an action (``name``)."""
    name = call.params.required("name")
    if name not in ACTIONS:
        raise NotFound(gettext("未找到：操作 %(name)s") % {"name": name})
    return ACTIONS[name].__doc__ or ""


@_action
def package_list(call: Call) -> list[str]:
    """Names of the open datasets in order; ``limit``, ``offset``."""
    limit = call.params.integer("limit", 0)
    offset = call.params.integer("offset", 0)
    names = datasets_open().order_by("name").values_list("name", flat=True)[offset:]
    return list(names[:limit] if limit else names)


@_action
def current_package_list_with_resources(call: Call) -> list[dict[str, Any]]:
    """Open datasets with their resources, most recently changed first; ``limit``, ``offset``."""
    limit = call.params.integer("limit", SEARCH_ROWS_MAX, maximum=SEARCH_ROWS_MAX)
    offset = call.params.integer("offset", 0)
    datasets = _packages().order_by(F("ckan_modified").desc(), "code")[offset : offset + limit]
    return [package_dict(dataset, call) for dataset in datasets]


@_action
def package_show(call: Call) -> dict[str, Any]:
    """One open dataset by ``id`` (its code) or name (``ds-…``)."""
    return package_dict(_dataset(call.params.required("id")), call)


@_action
def package_search(call: Call) -> dict[str, Any]:
    """Search the open datasets: ``q`` (Chinese words; ``field:value`` terms too), ``fq``/``fq_list``
    (``organization:``, ``groups:``, ``tags:``, ``res_format:``, ``license_id:``, ``name:``, ``id:``,
    ``metadata_modified:[… TO …]``; quoted values, ``-`` to exclude, ``OR``), ``rows`` (10, at most 1000),
    ``start``, ``sort`` (``score``, ``metadata_modified``, ``metadata_created``, ``title_string``, ``name``,
    ``id``; ``asc``/``desc``), ``facet.field`` (``organization``, ``groups``, ``tags``, ``res_format``,
    ``license_id``), ``facet.limit`` (50; -1 for all), ``facet.mincount``, ``fl``."""
    params = call.params
    rows = params.integer("rows", 10, maximum=SEARCH_ROWS_MAX)
    start = params.integer("start", 0)
    sort = params.text("sort").strip() or "score desc, metadata_modified desc"
    facet_fields = params.names("facet.field") if params.boolean("facet", True) else []
    if unknown := [field for field in facet_fields if field not in FACETS]:
        raise SearchQueryError(gettext("不支持的分面：%(fields)s") % {"fields": ", ".join(unknown)})
    facet_limit = params.integer("facet.limit", 50, minimum=-1)
    facet_mincount = params.integer("facet.mincount", 1)
    filter_query = " ".join([params.text("fq"), *params.names("fq_list")])
    datasets, text = _searched(params.text("q"), filter_query)
    order = _ordering(sort)
    count = datasets.count()
    # Relevance, roughly: a title containing the whole query comes first.
    score = (
        Case(When(title__icontains=text, then=Value(1)), default=Value(0), output_field=IntegerField())
        if text
        else Value(0, output_field=IntegerField())
    )
    found = datasets.annotate(ckan_score=score).order_by(*order)
    results = [package_dict(dataset, call) for dataset in found[start : start + rows]] if rows else []
    if fields := params.names("fl"):
        results = [{key: result[key] for key in fields if key in result} for result in results]
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, dict[str, Any]] = {}
    for field in facet_fields:
        items = sorted((item for item in _facet(datasets, field, count) if item[2] >= facet_mincount), key=_by_count)
        items = items if facet_limit < 0 else items[:facet_limit]
        facets[field] = {name: number for name, _display, number in items}
        search_facets[field] = {
            "title": field,
            "items": [{"name": name, "display_name": display, "count": number} for name, display, number in items],
        }
    return {"count": count, "results": results, "facets": facets, "search_facets": search_facets, "sort": sort}


def _by_count(item: tuple[str, str, int]) -> tuple[int, str]:
    return (-item[2], item[0])


@_action
def resource_show(call: Call) -> dict[str, Any]:
    """One resource of an open dataset by ``id`` (its key)."""
    identifier = call.params.required("id")
    resource = resource_open(key=identifier)
    if resource is None:
        raise NotFound(gettext("未找到：资源 %(id)s") % {"id": identifier})
    dataset = _dataset(resource.dataset.code)
    keys = [each.key for each in dataset.resources.all()]
    return resource_dict(resource, dataset, call, keys.index(resource.key))


def _group_list(call: Call, items: list[tuple[str, str, int]], plural: str, describe: Callable[..., Any]) -> list[Any]:
    params = call.params
    all_fields = params.boolean("all_fields", False)
    maximum = 25 if all_fields else 1000  # CKAN's ckan.group_and_organization_list(_all_fields)_max
    limit = params.integer("limit", maximum, maximum=maximum)
    offset = params.integer("offset", 0)
    if wanted := params.names(plural):
        items = [item for item in items if item[0] in wanted or item[1] in wanted]
    if query := params.text("q").strip():
        items = [item for item in items if query.lower() in item[0].lower() or query in item[1]]
    sort = params.text("sort").strip() or params.text("order_by").strip() or "name asc"
    keys = {"name": lambda item: item[3], "title": lambda item: item[1]}
    keys |= {"package_count": lambda item: item[2], "packages": lambda item: item[2]}
    items = _ordered_names([(*item, index) for index, item in enumerate(items)], sort, keys)[offset : offset + limit]
    return [describe(*item[:3]) for item in items] if all_fields else [item[0] for item in items]


@_action
def organization_list(call: Call) -> list[Any]:
    """Names of the organisations that open data (``all_fields``: dicts with ``package_count``);
    ``sort`` (``name``, ``title``, ``package_count``), ``limit``, ``offset``, ``organizations``, ``q``."""
    items = [(organisation_name(pk), title, count) for pk, title, count in _organisations()]
    return _group_list(call, items, "organizations", _organisation_item)


def _organisation_item(name: str, title: str, count: int) -> dict[str, Any]:
    return organisation_dict(_organisation_pk(name) or 0, title, count)


@_action
def organization_show(call: Call) -> dict[str, Any]:
    """One organisation by ``id`` or name (``org-…`` or its Chinese name); ``include_datasets``."""
    pk, title, count = _organisation(call.params.required("id"))
    result = organisation_dict(pk, title, count)
    if call.params.boolean("include_datasets", False):
        datasets = _packages(datasets_open().filter(organisation_id=pk)).order_by("name")[:SEARCH_ROWS_MAX]
        result["packages"] = [package_dict(dataset, call) for dataset in datasets]
    return result


def _theme_counts() -> list[tuple[str, str, int]]:
    counts = dict(datasets_open().order_by().values_list("theme").annotate(count=Count("pk")))
    return [(code, label, counts.get(code, 0)) for code, label in _themes().items()]


@_action
def group_list(call: Call) -> list[Any]:
    """Names of the groups, which are the portal's themes (``all_fields``: dicts with ``package_count``)."""
    return _group_list(call, _theme_counts(), "groups", group_dict)


@_action
def group_show(call: Call) -> dict[str, Any]:
    """One theme by ``id`` (its code or Chinese name); ``include_datasets``."""
    identifier = call.params.required("id")
    code = _theme_code(identifier)
    if code is None:
        raise NotFound(gettext("未找到：分组 %(id)s") % {"id": identifier})
    result = next(group_dict(*item) for item in _theme_counts() if item[0] == code)
    if call.params.boolean("include_datasets", False):
        datasets = _packages(datasets_open().filter(theme=code)).order_by("name")[:SEARCH_ROWS_MAX]
        result["packages"] = [package_dict(dataset, call) for dataset in datasets]
    return result


@_action
def tag_list(call: Call) -> list[Any]:
    """Every keyword of the open datasets, in order; ``query`` keeps those containing it; ``all_fields``."""
    if call.params.text("vocabulary_id"):
        raise NotFound(gettext("未找到：词表 %(id)s") % {"id": call.params.text("vocabulary_id")})
    query = call.params.text("query").strip()
    words = {word for keywords in datasets_open().values_list("keywords", flat=True) for word in keywords or ()}
    tags = sorted(word for word in words if query in word)
    if call.params.boolean("all_fields", False):
        return [{"id": tag, "name": tag, "display_name": tag, "vocabulary_id": None} for tag in tags]
    return tags


@_action
def license_list(call: Call) -> list[dict[str, Any]]:
    """The licence of the open data."""
    terms = licence()
    return [
        {
            "id": terms["id"],
            "title": terms["title"],
            "url": terms["url"],
            "status": "active",
            "od_conformance": "approved" if terms["open"] else "not reviewed",
        }
    ]


def _datastore_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _typed(value: Any, data_type: str) -> Any:
    """A filter's value as its column holds it (query strings carry text)."""
    if value is None or data_type == "string":
        return value if value is None else str(value)
    text = str(value).strip()
    if data_type == "integer":
        return int(text)
    if data_type == "decimal":
        return float(text)
    if data_type == "boolean":
        return value if isinstance(value, bool) else text.lower() in _TRUE
    if data_type == "date":
        return datetime.date.fromisoformat(text[:10])
    return datetime.datetime.fromisoformat(text).replace(tzinfo=None)


@_action
def datastore_search(call: Call) -> dict[str, Any]:
    """Rows of a tabular resource: ``resource_id``, ``filters`` (column: value), ``q`` (text in any text
    column), ``fields``, ``sort`` (``"col desc, col2"``), ``limit`` (100, at most 32000), ``offset``,
    ``include_total``, ``records_format`` (``objects`` or ``lists``)."""
    params = call.params
    identifier = params.text("resource_id") or params.required("id")
    resource = resource_open(key=identifier)
    if resource is None or not resource.table:
        raise NotFound(gettext("未找到：资源 %(id)s") % {"id": identifier})
    services.usage_count(dataset=resource.dataset, api_calls=1)
    columns = {column.name: column for column in resource_columns(resource=resource)}
    raw_filters = params.structured("filters") or {}
    if not isinstance(raw_filters, dict):
        raise Invalid({"filters": [gettext("应为对象")]})
    filters: dict[str, Any] = {}
    for name, value in raw_filters.items():
        if name not in columns:
            raise Invalid({"filters": [gettext("没有这一列：%(name)s") % {"name": name}]})
        if isinstance(value, list | dict):
            raise Invalid({"filters": [gettext("每一列只能按一个值筛选：%(name)s") % {"name": name}]})
        try:
            filters[name] = _typed(value, columns[name].data_type)
        except ValueError:
            raise Invalid({"filters": [gettext("%(name)s 的值类型不符") % {"name": name}]}) from None
    fields = params.names("fields") or list(columns)
    sort: list[tuple[str, bool]] = []
    for part in params.text("sort").split(","):
        words = part.replace('"', " ").split()
        if not words:
            continue
        if words[0] not in columns or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise Invalid({"sort": [gettext("无法排序：%(sort)s") % {"sort": part.strip()}]})
        sort.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    if unknown := [name for name in fields if name not in columns]:
        raise Invalid({"fields": [gettext("没有这一列：%(name)s") % {"name": ", ".join(unknown)}]})
    records_format = params.text("records_format") or "objects"
    if records_format not in ("objects", "lists"):
        raise Invalid({"records_format": [gettext("只支持 objects 和 lists")]})
    limit = params.integer("limit", 100, maximum=DATASTORE_ROWS_MAX)
    offset = params.integer("offset", 0)
    include_total = params.boolean("include_total", True)
    text = params.text("q")
    page = resource_rows(
        resource=resource, filters=filters, text=text, fields=fields, sort=sort, limit=limit, offset=offset
    )
    records: list[Any] = [{name: _datastore_value(row[name]) for name in fields} for row in page.rows]
    if records_format == "lists":
        records = [[record[name] for name in fields] for record in records]
    link = {"resource_id": identifier, **{k: v for k, v in _link_params(params).items() if k != "offset"}}
    path = reverse("opendata:ckan-action", args=["datastore_search"])
    result: dict[str, Any] = {
        "resource_id": identifier,
        "fields": [
            {"id": name, "type": _DATASTORE_TYPES[columns[name].data_type], "info": {"label": columns[name].label}}
            for name in fields
        ],
        "records_format": records_format,
        "records": records,
        "limit": limit,
        "offset": offset,
        "include_total": include_total,
        "_links": {
            "start": f"{path}?{urlencode(link)}",
            "next": f"{path}?{urlencode({'offset': offset + limit, **link})}",
        },
    }
    if include_total:
        result |= {"total": page.total, "total_was_estimated": False}
    for name in ("filters", "q", "sort"):
        if params.data.get(name):
            result[name] = raw_filters if name == "filters" else params.text(name)
    return result


def _link_params(params: Params) -> dict[str, str]:
    """The call's parameters as a query string carries them, for the ``_links`` to the next page."""
    kept = ("filters", "q", "fields", "sort", "limit", "include_total", "records_format", "offset")
    result = {}
    for name in kept:
        value = params.data.get(name)
        if value is not None and value != "":
            result[name] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return result


# --- the view -------------------------------------------------------------------------------------------------


def _mixed(values: QueryDict) -> dict[str, Any]:
    """A query string or form as CKAN reads one: a repeated key gives a list."""
    return {key: items[0] if len(items) == 1 else items for key, items in values.lists()}


def _request_data(request: HttpRequest) -> dict[str, Any]:
    if request.method != "POST":
        return _mixed(request.GET)
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = _mixed(request.POST)
        if len(form) == 1 and next(iter(form.values())) in ("", "1"):
            # Old clients post the JSON object as the form's only key.
            try:
                posted = json.loads(next(iter(form)))
            except ValueError:
                posted = None
            if isinstance(posted, dict):
                return posted
        return form or _mixed(request.GET)
    if not request.body.strip():
        return _mixed(request.GET)
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ActionError(gettext("请求有误：JSON 格式错误")) from None
    if not isinstance(data, dict):
        raise ActionError(gettext("请求有误：JSON 应为对象"))
    return data


def _answer(help_url: str, status: int, **body: Any) -> JsonResponse:
    return JsonResponse(
        {"help": help_url, "success": "error" not in body, **body},
        status=status,
        content_type="application/json;charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


# CKAN clients POST JSON with no session and no CSRF token. Nothing here acts on a
# cookie's authority (every action is a read of what is open to everyone), so the
# CSRF check would only refuse them.
@login_not_required
@csrf_exempt
def action(request: HttpRequest, action: str) -> JsonResponse:
    """One CKAN action by name: the action API's only view."""
    help_url = request.build_absolute_uri(reverse("opendata:ckan-action", args=["help_show"]))
    help_url += "?" + urlencode({"name": action})
    if request.method not in ("GET", "POST"):
        response = _answer(help_url, 405, error={"__type": "Bad Request", "message": gettext("只接受 GET 和 POST")})
        response["Allow"] = "GET, POST"
        return response
    try:
        token = limits.caller_token(request)
    except limits.InvalidKey:
        error = {"__type": "Authorization Error", "message": gettext("访问密钥无效、已过期或不适用于开放数据接口")}
        return _answer(help_url, 403, error=error)
    wait = limits.retry_after(request, token)
    if wait is not None:
        message = gettext("调用过于频繁，请 %(seconds)d 秒后再试") % {"seconds": wait}
        response = _answer(help_url, 429, error={"__type": "Throttled", "message": message})
        response["Retry-After"] = str(wait)
        return response
    try:
        function = ACTIONS.get(action)
        if function is None:
            if WRITE_ACTION.search(action):
                raise Forbidden(gettext("拒绝访问：开放数据接口只读"))
            raise ActionError(gettext("请求有误：未知的操作 %(name)s") % {"name": action})
        return _answer(help_url, 200, result=function(Call(Params(_request_data(request)), request)))
    except ActionError as error:
        return _answer(help_url, error.status, error=error.body())
