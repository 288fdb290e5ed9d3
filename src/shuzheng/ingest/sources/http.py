"""An HTTP API that returns JSON pages of records: page or offset paging, records at a path
of the document (``data.items``), stopping at a short page."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.ingest.sources import Reading, Record, Request, SourceKindSpec, SourceRefused, source_kind_register

DEFAULT_PAGE_SIZE = 500
# A source that never returns a short page would otherwise be read forever.
MAX_PAGES = 100_000


def _records_at(document: Any, path: str) -> Any:
    for part in [part for part in path.split(".") if part]:
        if not isinstance(document, dict) or part not in document:
            return None
        document = document[part]
    return document


def read(request: Request) -> Reading:
    import httpx

    options = request.options
    size = int(options.get("page_size") or DEFAULT_PAGE_SIZE)
    paging = options.get("paging", "page")  # "page": page=1,2,…; "offset": offset=0,size,…
    page_param = options.get("page_param") or ("page" if paging == "page" else "offset")
    size_param = options.get("size_param") or ("size" if paging == "page" else "limit")
    path = options.get("records", "")
    params: dict[str, Any] = dict(options.get("params") or {})
    if request.updated_column and request.since and options.get("since_param"):
        params[options["since_param"]] = request.since
    client = httpx.Client(timeout=float(options.get("timeout", 30)), headers=dict(options.get("headers") or {}))

    def fetch(number: int) -> list[Any]:
        start = number + 1 if paging == "page" else number * size
        try:
            response = client.get(options["url"], params=params | {page_param: start, size_param: size})
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SourceRefused(
                gettext("接口第 %(page)d 页读取失败：%(error)s") % {"page": number + 1, "error": exc}
            ) from None
        found = _records_at(document, path)
        if not isinstance(found, list):
            raise SourceRefused(gettext("接口返回中找不到记录列表：%(path)s") % {"path": path or "（根）"})
        return found

    first = fetch(0)  # fails the run before anything is staged when the API is down
    reading = Reading(columns=[], records=iter(()))

    def records() -> Iterator[Record]:
        line, page, number = 0, first, 0
        try:
            while True:
                for item in page:
                    line += 1
                    if not isinstance(item, dict):
                        yield Record(line, {"_text": str(item)[:2000]}, gettext("应为 JSON 对象"))
                        continue
                    if request.updated_column and item.get(request.updated_column) is not None:
                        reading.watermark = max(reading.watermark, str(item[request.updated_column]))
                    yield Record(line, item)
                number += 1
                if len(page) < size or number >= MAX_PAGES:
                    return
                page = fetch(number)
        finally:
            client.close()

    reading.records = records()
    return reading


def validate(options: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = []
    address = urlsplit(str(options.get("url", "")))
    if address.scheme not in {"http", "https"} or not address.netloc:
        problems.append(("url", gettext("应为 http 或 https 地址")))
    if options.get("paging", "page") not in {"page", "offset"}:
        problems.append(("paging", gettext("分页方式应为 page 或 offset")))
    size = options.get("page_size", DEFAULT_PAGE_SIZE)
    if not isinstance(size, int) or not 1 <= size <= 10_000:
        problems.append(("page_size", gettext("每页条数应在 1 到 10000 之间")))
    return problems


HTTP = source_kind_register(SourceKindSpec("http", _("HTTP 接口"), read, validate))
