"""CKAN's Action API: every action's answer, pagination, search, facets, errors in CKAN's envelope,
and that nothing restricted, closed or unpublished can be seen through it."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from shuzheng.catalog import services

pytestmark = pytest.mark.django_db

API = "/api/3/action/"
SITE = "http://testserver/"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
CSV = "CSV"


def fields(grade: str = "L1") -> list[dict[str, Any]]:
    return [
        {"name": "licence_no", "label": "许可证编号", "data_type": "string", "grade": grade},
        {"name": "company_name", "label": "经营者名称", "data_type": "string", "grade": grade},
        {"name": "district", "label": "所在区", "data_type": "string", "grade": grade},
        {"name": "staff", "label": "从业人数", "data_type": "integer", "grade": grade},
        {"name": "issued_on", "label": "发证日期", "data_type": "date", "grade": grade},
    ]


def payload(title: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": title,
        "description": f"{title}，按月更新。",
        "theme": "market",
        "keywords": ["市场监管"],
        "update_frequency": "monthly",
        "spatial": "330100",
        "temporal_start": datetime.date(2020, 1, 1),
        "contact_name": "数据管理员",
        "contact_phone": "0571-85000000",
        "contact_email": "data@hangzhou.gov.cn",
        "grade": "L1",
        "share_type": "unconditional",
        "open_type": "unconditional",
    }
    data.update(changes)
    return data


LICENCE_ROWS = [
    {
        "licence_no": f"JY1330100{number:06d}",
        "company_name": f"杭州{name}餐饮有限公司",
        "district": district,
        "staff": staff,
        "issued_on": f"2024-0{number % 9 + 1}-15",
    }
    for number, (name, district, staff) in enumerate(
        [
            ("知味", "上城区", 12),
            ("楼外", "西湖区", 80),
            ("奎元", "上城区", 25),
            ("新丰", "拱墅区", 40),
            ("外婆", "西湖区", 150),
            ("绿茶", "滨江区", 60),
            ("弄堂", "西湖区", 9),
        ],
        start=1,
    )
]

# (code, organisation, title, theme, keywords, open type, grade)
OPEN_DATASETS = [
    ("330100-000001", "market", "食品经营许可证信息", "market", ["食品", "许可证"]),
    ("330100-000002", "market", "食品生产许可证信息", "market", ["食品", "生产"]),
    ("330100-000003", "market", "企业登记信息", "market", ["企业", "登记"]),
    ("330100-000004", "market", "行政处罚信息", "credit", ["处罚", "信用"]),
    ("330100-000005", "transport", "公交线路信息", "transport", ["公交", "线路"]),
    ("330100-000006", "transport", "公共自行车站点信息", "transport", ["自行车", "站点"]),
    ("330100-000007", "transport", "停车场泊位信息", "transport", ["停车", "泊位", "公交"]),
    ("330100-000008", "transport", "出租汽车企业信息", "transport", ["出租车", "企业"]),
    ("330100-000009", "environment", "空气质量监测数据", "environment", ["空气", "监测"]),
    ("330100-000010", "environment", "地表水水质监测数据", "environment", ["水质", "监测"]),
    ("330100-000011", "environment", "排污许可证信息", "environment", ["排污", "许可证"]),
    ("330100-000012", "environment", "噪声监测数据", "environment", ["噪声", "监测"]),
]
HIDDEN_TITLES = {"restricted": "个体工商户经营者信息", "closed": "户籍人口信息", "draft": "网约车驾驶员信息"}


def build_catalogue(make_organisation: Callable[..., Any], author: Any | None = None) -> dict[str, Any]:
    """Twelve open datasets of three departments (two with rows, one with an API), a restricted and a
    closed one with rows, and, when an ``author`` is given, an open-looking draft of theirs."""
    departments = {
        "market": make_organisation("杭州市市场监督管理局", "330100"),
        "transport": make_organisation("杭州市交通运输局", "330100"),
        "environment": make_organisation("杭州市生态环境局", "330100"),
        "police": make_organisation("杭州市公安局", "330100"),
    }
    made: dict[str, Any] = {"departments": departments}
    for code, department, title, theme, keywords in OPEN_DATASETS:
        dataset, _ = services.dataset_import_published(
            organisation=departments[department],
            data=payload(title, theme=theme, keywords=keywords),
            fields=fields(),
            code=code,
        )
        made[code] = dataset
    made["licences"], _ = services.resource_load_rows(
        dataset=made["330100-000001"], name="许可证清单", rows=LICENCE_ROWS
    )
    made["bikes"], _ = services.resource_load_rows(
        dataset=made["330100-000006"], name="站点清单", rows=LICENCE_ROWS[:2]
    )
    made["api"] = apps.get_model("catalog", "Resource").objects.create(
        dataset=made["330100-000005"],
        key="7d1f3c1e-0000-4000-8000-000000000005",
        name="线路查询接口",
        format="API",
        url="https://api.example.gov.cn/bus-lines",
    )
    made["restricted"], _ = services.dataset_import_published(
        organisation=departments["market"],
        data=payload(HIDDEN_TITLES["restricted"], keywords=["个体户", "食品"], grade="L2", open_type="restricted"),
        fields=fields("L2"),
        code="330100-000020",
    )
    made["closed"], _ = services.dataset_import_published(
        organisation=departments["police"],
        data=payload(
            HIDDEN_TITLES["closed"],
            theme="public_safety",
            keywords=["户籍", "人口"],
            grade="L4",
            share_type="conditional",
            share_basis="《中华人民共和国户口登记条例》",
            open_type="none",
        ),
        fields=fields("L4"),
        code="330100-000021",
    )
    made["restricted_rows"], _ = services.resource_load_rows(dataset=made["restricted"], name="名单", rows=LICENCE_ROWS)
    made["closed_rows"], _ = services.resource_load_rows(dataset=made["closed"], name="名单", rows=LICENCE_ROWS)
    if author is not None:
        made["draft"] = services.dataset_create(
            author=author,
            organisation=departments["transport"],
            data=payload(HIDDEN_TITLES["draft"], theme="transport", keywords=["网约车"]),
            fields=fields(),
        )
    return made


@pytest.fixture
def catalogue(
    make_organisation: Callable[..., Any], make_user: Callable[..., Any], grant: Callable[..., Any], settings: Any
) -> dict[str, Any]:
    settings.SHUZHENG_OPEN_DATA_LICENCE = LICENCE
    transport = make_organisation("杭州市交通运输局", "330100")
    author = make_user("transport_cataloguer", kind="official", organisation=transport)
    grant(author, services.VIEW, services.EDIT)
    return build_catalogue(make_organisation, author)


def call(client: Client, action: str, expected: int = 200, **params: Any) -> Any:
    """GET an action with query parameters (lists and objects as JSON); the envelope's result or error."""
    query = {key: value if isinstance(value, str) else json.dumps(value) for key, value in params.items()}
    response = client.get(API + action, query)
    assert response.status_code == expected, response.content.decode()
    body = response.json()
    assert body["help"] == f"{SITE}api/3/action/help_show?name={action}"
    assert body["success"] is (expected == 200)
    return body["result"] if expected == 200 else body["error"]


def search(client: Client, **params: Any) -> Any:
    return call(client, "package_search", **params)


def names(result: Any) -> list[str]:
    return [package["name"] for package in result["results"]]


def code_names(*codes: str) -> list[str]:
    return [f"ds-{code}" for code in codes]


OPEN_NAMES = code_names(*(code for code, *_ in OPEN_DATASETS))


# --- the envelope and the dispatcher ---------------------------------------------------------------------


def test_status_show_describes_the_site(client: Client) -> None:
    result = call(client, "status_show")
    assert result["site_url"] == "http://testserver"
    assert result["ckan_version"].startswith("2.")
    assert "datastore" in result["extensions"]


def test_help_show_gives_an_actions_documentation(client: Client) -> None:
    assert "rows" in call(client, "help_show", name="package_search")
    assert call(client, "help_show", 404, name="package_make")["__type"] == "Not Found Error"


def test_an_unknown_action_is_a_bad_request_in_the_envelope(client: Client) -> None:
    response = client.get(API + "package_make")
    assert response.status_code == 400
    assert response.json()["success"] is False
    assert response.json()["error"]["__type"] == "Bad Request"


@pytest.mark.parametrize(
    "action",
    ["package_create", "package_update", "package_patch", "package_delete", "resource_create", "datastore_upsert"],
)
def test_write_actions_are_refused_as_unauthorised(client: Client, action: str) -> None:
    response = client.post(API + action, {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"


def test_only_get_and_post_are_answered(client: Client) -> None:
    response = client.put(API + "package_list")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert response.json()["success"] is False


def test_malformed_json_is_a_bad_request(client: Client) -> None:
    for body in ("{not json", "[1, 2]"):
        response = client.post(API + "package_list", body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["success"] is False


def test_the_unversioned_address_ckanapi_calls_answers_too(client: Client, catalogue: dict[str, Any]) -> None:
    response = client.post("/api/action/package_list", {}, content_type="application/json")
    assert response.json()["result"] == OPEN_NAMES


def test_a_posted_json_body_answers_as_query_parameters_do(client: Client, catalogue: dict[str, Any]) -> None:
    body = {"fq": f"organization:org-{catalogue['departments']['transport'].pk}", "rows": 2, "start": 1}
    posted = client.post(API + "package_search", body, content_type="application/json").json()["result"]
    assert names(posted) == names(search(client, **{key: str(value) for key, value in body.items()}))
    assert posted["count"] == 4
    # Old clients post the JSON object as the only key of a form.
    form = client.post(API + "package_search", {json.dumps(body): ""}).json()["result"]
    assert names(form) == names(posted)


# --- lists -------------------------------------------------------------------------------------------------------


def test_package_list_names_the_open_datasets_only(client: Client, catalogue: dict[str, Any]) -> None:
    assert call(client, "package_list") == OPEN_NAMES
    assert call(client, "package_list", limit="5", offset="10") == OPEN_NAMES[10:]
    assert call(client, "package_list", limit="3", offset="3") == OPEN_NAMES[3:6]
    assert call(client, "package_list", 409, limit="many")["limit"]
    assert call(client, "package_list", 409, offset="-1")["__type"] == "Validation Error"


def test_current_package_list_with_resources(client: Client, catalogue: dict[str, Any]) -> None:
    dataset = apps.get_model("catalog", "Dataset")
    dataset.objects.filter(code="330100-000009").update(updated_at=timezone.now() + datetime.timedelta(hours=1))
    packages = call(client, "current_package_list_with_resources", limit="3")
    assert next(package["name"] for package in packages) == "ds-330100-000009"
    assert len(packages) == 3


def test_organization_list_names_the_departments_that_open_data(client: Client, catalogue: dict[str, Any]) -> None:
    departments = catalogue["departments"]
    expected = sorted(departments[name].pk for name in ("market", "transport", "environment"))
    assert call(client, "organization_list") == [f"org-{pk}" for pk in expected]
    assert call(client, "organization_list", sort="name desc") == [f"org-{pk}" for pk in reversed(expected)]
    everything = call(client, "organization_list", all_fields="true", sort="title asc")
    assert [(org["title"], org["package_count"]) for org in everything] == sorted(
        [("杭州市市场监督管理局", 4), ("杭州市交通运输局", 4), ("杭州市生态环境局", 4)]
    )
    assert all(org["is_organization"] and org["type"] == "organization" for org in everything)
    # The police open nothing: the department is not a publisher here.
    assert "杭州市公安局" not in {org["title"] for org in everything}
    assert call(client, "organization_list", organizations=["杭州市交通运输局"]) == [
        f"org-{departments['transport'].pk}"
    ]
    assert call(client, "organization_list", limit="1", offset="1") == [f"org-{expected[1]}"]
    assert call(client, "organization_list", 409, sort="colour asc")["sort"]


def test_organization_show_with_and_without_datasets(client: Client, catalogue: dict[str, Any]) -> None:
    market = catalogue["departments"]["market"]
    shown = call(client, "organization_show", id=f"org-{market.pk}")
    assert shown["title"] == "杭州市市场监督管理局"
    assert shown["package_count"] == 4
    assert "packages" not in shown
    by_title = call(client, "organization_show", id="杭州市市场监督管理局", include_datasets="true")
    assert [package["name"] for package in by_title["packages"]] == OPEN_NAMES[:4]
    police = catalogue["departments"]["police"]
    missing = call(client, "organization_show", 404, id=f"org-{police.pk}")
    assert missing["__type"] == "Not Found Error"
    assert call(client, "organization_show", 409)["id"]


def test_groups_are_the_themes(client: Client, catalogue: dict[str, Any]) -> None:
    groups = call(client, "group_list")
    assert {"market", "transport", "environment", "credit", "public_safety"} <= set(groups)
    counted = {group["name"]: group for group in call(client, "group_list", all_fields=True)}
    assert counted["transport"]["package_count"] == 4
    assert counted["transport"]["title"] == "交通出行"
    assert counted["public_safety"]["package_count"] == 0  # the closed dataset is not counted
    theme = call(client, "group_show", id="交通出行", include_datasets=True)
    assert theme["name"] == "transport"
    assert [package["name"] for package in theme["packages"]] == OPEN_NAMES[4:8]
    assert call(client, "group_show", 404, id="weather")["__type"] == "Not Found Error"


def test_tag_list_holds_the_keywords_of_open_datasets_only(client: Client, catalogue: dict[str, Any]) -> None:
    tags = call(client, "tag_list")
    assert tags == sorted(tags)
    assert {"食品", "公交", "监测"} <= set(tags)
    assert not {"个体户", "户籍", "人口", "网约车"} & set(tags)
    assert call(client, "tag_list", query="许可") == ["许可证"]
    assert call(client, "tag_list", all_fields="true", query="公交") == [
        {"id": "公交", "name": "公交", "display_name": "公交", "vocabulary_id": None}
    ]


def test_license_list(client: Client, catalogue: dict[str, Any]) -> None:
    assert call(client, "license_list")[0]["id"] == "cc-by"


# --- package_show and resource_show -----------------------------------------------------------------------------


def test_package_show_in_ckans_shape(client: Client, catalogue: dict[str, Any]) -> None:
    package = call(client, "package_show", id="330100-000001")
    assert call(client, "package_show", id="ds-330100-000001") == package
    market = catalogue["departments"]["market"]
    assert package["id"] == "330100-000001"
    assert package["name"] == "ds-330100-000001"
    assert package["title"] == "食品经营许可证信息"
    assert package["notes"] == "食品经营许可证信息，按月更新。"
    assert (package["type"], package["state"], package["private"]) == ("dataset", "active", False)
    assert package["organization"]["id"] == package["owner_org"] == f"org-{market.pk}"
    assert package["organization"]["title"] == "杭州市市场监督管理局"
    assert [(group["name"], group["title"]) for group in package["groups"]] == [("market", "市场监管")]
    assert [tag["name"] for tag in package["tags"]] == ["食品", "许可证"]
    assert package["num_tags"] == 2
    assert package["license_id"] == "cc-by"
    assert package["license_title"] == "Creative Commons Attribution 4.0"
    assert package["license_url"] == LICENCE
    assert package["isopen"] is True
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}
    assert extras == {
        "grade": "L1",
        "open_type": "unconditional",
        "update_frequency": "monthly",
        "spatial_code": "330100",
        "spatial_name": "杭州市",
        "temporal_start": "2020-01-01",
    }
    created = datetime.datetime.fromisoformat(package["metadata_created"])
    assert created.tzinfo is None
    assert abs(created.replace(tzinfo=datetime.UTC) - timezone.now()) < datetime.timedelta(minutes=5)
    assert package["num_resources"] == 1
    (resource,) = package["resources"]
    licences = catalogue["licences"]
    assert resource["id"] == licences.key
    assert resource["package_id"] == "330100-000001"
    assert resource["name"] == "许可证清单"
    assert resource["format"] == CSV
    assert resource["url"] == f"{SITE}open/datasets/ds-330100-000001/download.csv"
    assert resource["datastore_active"] is True
    assert resource["hash"] == f"sm3:{licences.checksum}"
    assert len(resource["hash"]) == len("sm3:") + 64
    assert resource["position"] == 0


def test_an_api_resource_points_to_its_own_address(client: Client, catalogue: dict[str, Any]) -> None:
    (resource,) = call(client, "package_show", id="ds-330100-000005")["resources"]
    assert resource["url"] == "https://api.example.gov.cn/bus-lines"
    assert resource["datastore_active"] is False
    assert resource["hash"] == ""


def test_metadata_modified_follows_new_rows(client: Client, catalogue: dict[str, Any]) -> None:
    before = call(client, "package_show", id="330100-000006")["metadata_modified"]
    later = timezone.now() + datetime.timedelta(days=1)
    apps.get_model("catalog", "Resource").objects.filter(pk=catalogue["bikes"].pk).update(updated_at=later)
    after = call(client, "package_show", id="330100-000006")["metadata_modified"]
    assert after > before
    assert after == later.astimezone(datetime.UTC).replace(tzinfo=None).isoformat()


@pytest.mark.parametrize("hidden", ["restricted", "closed", "draft"])
def test_a_hidden_dataset_answers_as_a_missing_one(client: Client, catalogue: dict[str, Any], hidden: str) -> None:
    dataset = catalogue[hidden]
    missing = call(client, "package_show", 404, id="330100-999999")
    for identifier in (dataset.code, dataset.name):
        error = call(client, "package_show", 404, id=identifier)
        assert error == {**missing, "message": missing["message"].replace("330100-999999", identifier)}


@pytest.mark.parametrize("hidden", ["restricted_rows", "closed_rows"])
def test_a_hidden_datasets_resource_answers_as_a_missing_one(
    client: Client, catalogue: dict[str, Any], hidden: str
) -> None:
    key = catalogue[hidden].key
    for action in ("resource_show", "datastore_search"):
        parameter = "id" if action == "resource_show" else "resource_id"
        error = call(client, action, 404, **{parameter: key})
        missing = call(client, action, 404, **{parameter: "no-such-key"})
        assert error == {**missing, "message": missing["message"].replace("no-such-key", key)}


def test_package_show_needs_an_id(client: Client) -> None:
    error = call(client, "package_show", 409)
    assert error["__type"] == "Validation Error"
    assert error["id"] == ["缺少值"]


def test_resource_show(client: Client, catalogue: dict[str, Any]) -> None:
    resource = call(client, "resource_show", id=catalogue["licences"].key)
    assert resource == call(client, "package_show", id="330100-000001")["resources"][0]


# --- package_search ---------------------------------------------------------------------------------------------


def test_search_without_parameters_gives_ten_open_datasets(client: Client, catalogue: dict[str, Any]) -> None:
    result = search(client)
    assert result["count"] == 12
    assert len(result["results"]) == 10
    assert result["sort"] == "score desc, metadata_modified desc"
    assert result["facets"] == {}
    assert result["search_facets"] == {}
    assert result["results"][0] == call(client, "package_show", id=result["results"][0]["id"])


def test_search_pages_through_everything_once(client: Client, catalogue: dict[str, Any]) -> None:
    seen = []
    for start in range(0, 15, 5):
        page = search(client, rows="5", start=str(start), sort="name asc")
        assert page["count"] == 12
        seen += names(page)
    assert seen == OPEN_NAMES
    assert search(client, rows="0")["results"] == []
    assert search(client, rows="5000")["count"] == 12  # rows beyond 1000 are cut to 1000, as CKAN does


def test_search_refuses_bad_numbers_and_sorts(client: Client, catalogue: dict[str, Any]) -> None:
    assert call(client, "package_search", 409, rows="ten")["rows"]
    assert call(client, "package_search", 409, start="-5")["start"]
    error = call(client, "package_search", 400, sort="popularity desc")
    assert error["__type"] == "Search Query Error"
    assert call(client, "package_search", 400, fq="colour:red")["__type"] == "Search Query Error"
    assert call(client, "package_search", 400, fq='organization:"unclosed')["__type"] == "Search Query Error"
    assert call(client, "package_search", 400, **{"facet.field": ["colour"]})["__type"] == "Search Query Error"


def test_search_in_chinese(client: Client, catalogue: dict[str, Any]) -> None:
    assert sorted(names(search(client, q="食品许可证"))) == code_names("330100-000001", "330100-000002")
    # A title holding the whole query ranks above a match in the keywords only.
    assert names(search(client, q="公交", sort="score desc, name desc")) == code_names("330100-000005", "330100-000007")
    assert names(search(client, q="公交", sort="name desc")) == code_names("330100-000007", "330100-000005")
    assert sorted(names(search(client, q="监测 数据"))) == code_names("330100-000009", "330100-000010", "330100-000012")
    assert search(client, q="*:*")["count"] == 12
    assert sorted(names(search(client, q="-监测", rows="20"))) == [
        name for name in OPEN_NAMES if name not in code_names("330100-000009", "330100-000010", "330100-000012")
    ]


def test_search_never_finds_hidden_datasets(client: Client, catalogue: dict[str, Any]) -> None:
    for title in HIDDEN_TITLES.values():
        assert search(client, q=title)["count"] == 0
        assert search(client, fq=f'title:"{title}"')["count"] == 0
    for dataset in (catalogue["restricted"], catalogue["closed"], catalogue["draft"]):
        assert search(client, fq=f"name:{dataset.name}")["count"] == 0
        assert search(client, fq=f"id:{dataset.code}")["count"] == 0
    police = catalogue["departments"]["police"]
    assert search(client, fq=f"organization:org-{police.pk}")["count"] == 0
    assert search(client, fq="tags:户籍")["count"] == 0
    assert search(client, fq="groups:public_safety")["count"] == 0
    everything = search(client, rows="1000", **{"facet.field": ["organization", "groups", "tags", "res_format"]})
    assert everything["count"] == 12
    assert f"org-{police.pk}" not in everything["facets"]["organization"]
    assert "public_safety" not in everything["facets"]["groups"]
    assert not {"个体户", "户籍", "网约车"} & set(everything["facets"]["tags"])
    assert everything["facets"]["res_format"] == {"CSV": 2, "API": 1}


def test_search_filters(client: Client, catalogue: dict[str, Any]) -> None:
    transport = catalogue["departments"]["transport"].pk
    environment = catalogue["departments"]["environment"].pk
    assert sorted(names(search(client, fq=f"organization:org-{transport}"))) == OPEN_NAMES[4:8]
    assert search(client, fq='organization:"杭州市交通运输局"')["count"] == 4
    assert names(search(client, fq="groups:credit")) == code_names("330100-000004")
    assert search(client, fq="groups:交通出行")["count"] == 4
    assert sorted(names(search(client, fq="tags:许可证"))) == code_names("330100-000001", "330100-000011")
    assert sorted(names(search(client, fq='tags:"企业" +groups:transport'))) == code_names("330100-000008")
    assert sorted(names(search(client, fq="res_format:csv"))) == code_names("330100-000001", "330100-000006")
    assert names(search(client, fq='res_format:"API"')) == code_names("330100-000005")
    both = f"organization:org-{transport} OR organization:org-{environment}"
    assert search(client, fq=both)["count"] == 8
    assert search(client, fq=f"-organization:org-{transport}")["count"] == 8
    assert search(client, fq=f"{both} AND tags:监测")["count"] == 3
    assert search(client, fq="license_id:cc-by dataset_type:dataset")["count"] == 12
    assert search(client, fq="license_id:other-closed")["count"] == 0
    assert search(client, fq_list=["groups:transport", "tags:企业"])["count"] == 1
    assert search(client, q="tags:监测")["count"] == 3


def test_search_by_modification_time_as_harvesters_do(client: Client, catalogue: dict[str, Any]) -> None:
    dataset = apps.get_model("catalog", "Dataset")
    long_ago = timezone.now() - datetime.timedelta(days=30)
    dataset.objects.exclude(code__in=["330100-000003", "330100-000007"]).update(updated_at=long_ago)
    apps.get_model("catalog", "Resource").objects.update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).astimezone(datetime.UTC).replace(tzinfo=None)
    recent = search(client, fq=f"metadata_modified:[{since.isoformat()}Z TO *]", sort="id asc")
    assert names(recent) == code_names("330100-000003", "330100-000007")
    assert search(client, fq="metadata_modified:[* TO NOW-2DAYS]")["count"] == 10
    assert search(client, fq="metadata_created:[NOW-1DAY TO NOW+1DAY]")["count"] == 12
    assert call(client, "package_search", 400, fq="metadata_modified:[yesterday TO *]")["__type"]


def test_search_sorts(client: Client, catalogue: dict[str, Any]) -> None:
    dataset = apps.get_model("catalog", "Dataset")
    start = timezone.now() - datetime.timedelta(days=100)
    for index, (code, *_rest) in enumerate(OPEN_DATASETS):
        dataset.objects.filter(code=code).update(updated_at=start + datetime.timedelta(days=(index * 5) % 12))
    apps.get_model("catalog", "Resource").objects.update(updated_at=start)
    modified = names(search(client, rows="12", sort="metadata_modified desc"))
    stamps = [call(client, "package_show", id=name)["metadata_modified"] for name in modified]
    assert stamps == sorted(stamps, reverse=True)
    assert names(search(client, rows="12", sort="metadata_modified asc")) == modified[::-1]
    assert names(search(client, rows="12", sort="name desc")) == OPEN_NAMES[::-1]
    assert names(search(client, rows="12", sort="id asc")) == OPEN_NAMES
    by_title = names(search(client, rows="12", sort="title_string asc"))
    assert names(search(client, rows="12", sort="title_string desc")) == by_title[::-1]
    assert sorted(by_title) == sorted(OPEN_NAMES)


def test_facets(client: Client, catalogue: dict[str, Any]) -> None:
    transport = catalogue["departments"]["transport"]
    result = search(
        client,
        fq="tags:企业 OR tags:监测",
        rows="0",
        **{"facet.field": ["organization", "groups", "tags", "res_format", "license_id"]},
    )
    assert result["count"] == 5
    assert result["facets"]["organization"] == {
        f"org-{catalogue['departments']['environment'].pk}": 3,
        f"org-{catalogue['departments']['market'].pk}": 1,
        f"org-{transport.pk}": 1,
    }
    assert result["facets"]["groups"] == {"environment": 3, "market": 1, "transport": 1}
    assert result["facets"]["tags"]["监测"] == 3
    assert result["facets"]["tags"]["企业"] == 2
    assert result["facets"]["res_format"] == {}
    assert result["facets"]["license_id"] == {"cc-by": 5}
    items = result["search_facets"]["organization"]["items"]
    assert items[0] == {
        "name": f"org-{catalogue['departments']['environment'].pk}",
        "display_name": "杭州市生态环境局",
        "count": 3,
    }
    assert result["search_facets"]["groups"]["title"] == "groups"
    assert {item["display_name"] for item in result["search_facets"]["groups"]["items"]} == {
        "生态环境",
        "市场监管",
        "交通出行",
    }
    limited = search(client, fq="tags:企业 OR tags:监测", **{"facet.field": '["tags"]', "facet.limit": "2"})
    assert [item["name"] for item in limited["search_facets"]["tags"]["items"]] == ["监测", "企业"]
    assert search(client, **{"facet.field": ["tags"], "facet.mincount": "2"})["facets"]["tags"] == {
        "公交": 2,
        "企业": 2,
        "监测": 3,
        "许可证": 2,
        "食品": 2,
    }
    assert search(client, facet="false", **{"facet.field": ["tags"]})["facets"] == {}


def test_search_returns_only_the_fields_asked_for(client: Client, catalogue: dict[str, Any]) -> None:
    result = search(client, fl="id,name", rows="2", sort="id asc")
    assert result["results"] == [
        {"id": "330100-000001", "name": "ds-330100-000001"},
        {"id": "330100-000002", "name": "ds-330100-000002"},
    ]


def test_search_does_not_query_per_dataset(
    client: Client, catalogue: dict[str, Any], django_assert_num_queries: Any
) -> None:
    # The count, the page, the page's resources.
    for rows in ("1", "10"):
        with django_assert_num_queries(3):
            search(client, rows=rows)
    facets = {"facet.field": json.dumps(["organization", "groups", "tags", "res_format", "license_id"])}
    for rows in ("1", "10"):
        # Plus the datasets' keywords for fq's tags, and a query per facet (the licence's is the count).
        with django_assert_num_queries(8):
            result = search(client, rows=rows, fq="tags:监测 OR groups:transport", q="信息 OR 数据", **facets)
        assert len(result["results"]) == min(int(rows), result["count"]) > 0


def test_package_show_and_datastore_search_query_a_fixed_number_of_times(
    client: Client, catalogue: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        call(client, "package_show", id="ds-330100-000001")
    call(client, "datastore_search", resource_id=catalogue["licences"].key)  # makes the day's usage row
    # The resource with its dataset, the dataset's fields and the usage count; the rows come from the warehouse.
    with django_assert_num_queries(3):
        call(client, "datastore_search", resource_id=catalogue["licences"].key)


# --- datastore_search -----------------------------------------------------------------------------------------


def test_datastore_search_gives_rows_with_their_fields(client: Client, catalogue: dict[str, Any]) -> None:
    key = catalogue["licences"].key
    result = call(client, "datastore_search", resource_id=key)
    assert result["resource_id"] == key
    assert result["fields"][0] == {"id": "licence_no", "type": "text", "info": {"label": "许可证编号"}}
    assert [field["type"] for field in result["fields"]] == ["text", "text", "text", "int", "date"]
    assert result["total"] == 7
    assert (result["limit"], result["offset"]) == (100, 0)
    assert result["records"][0] == {
        "licence_no": "JY1330100000001",
        "company_name": "杭州知味餐饮有限公司",
        "district": "上城区",
        "staff": 12,
        "issued_on": "2024-02-15",
    }
    assert result["_links"]["start"] == f"/api/3/action/datastore_search?resource_id={key}"
    assert result["_links"]["next"] == f"/api/3/action/datastore_search?offset=100&resource_id={key}"


def test_datastore_search_pages(client: Client, catalogue: dict[str, Any]) -> None:
    key = catalogue["licences"].key
    first = call(client, "datastore_search", resource_id=key, limit="3")
    second = client.get(first["_links"]["next"]).json()["result"]
    third = client.get(second["_links"]["next"]).json()["result"]
    numbers = [row["licence_no"] for page in (first, second, third) for row in page["records"]]
    assert numbers == [row["licence_no"] for row in LICENCE_ROWS]
    assert (second["offset"], third["offset"], len(third["records"])) == (3, 6, 1)
    assert call(client, "datastore_search", resource_id=key, limit="99999")["limit"] == 32000


def test_datastore_search_filters_searches_selects_and_sorts(client: Client, catalogue: dict[str, Any]) -> None:
    key = catalogue["licences"].key
    west = call(client, "datastore_search", resource_id=key, filters={"district": "西湖区"}, sort="staff desc")
    assert west["total"] == 3
    assert [row["staff"] for row in west["records"]] == [150, 80, 9]
    assert west["filters"] == {"district": "西湖区"}
    assert call(client, "datastore_search", resource_id=key, filters={"staff": "25"})["total"] == 1
    posted = client.post(
        API + "datastore_search",
        {"resource_id": key, "filters": {"staff": 25, "district": "上城区"}, "fields": ["company_name", "staff"]},
        content_type="application/json",
    ).json()["result"]
    assert posted["records"] == [{"company_name": "杭州奎元餐饮有限公司", "staff": 25}]
    assert [field["id"] for field in posted["fields"]] == ["company_name", "staff"]
    found = call(client, "datastore_search", resource_id=key, q="外婆", fields="company_name,district")
    assert found["records"] == [{"company_name": "杭州外婆餐饮有限公司", "district": "西湖区"}]
    ordered = call(client, "datastore_search", resource_id=key, sort='district, "staff" desc', limit="3")
    # Rows sort by code point, whatever the database's collation.
    assert [(row["district"], row["staff"]) for row in ordered["records"]] == [
        ("上城区", 25),
        ("上城区", 12),
        ("拱墅区", 40),
    ]
    lists = call(client, "datastore_search", resource_id=key, records_format="lists", fields="staff", limit="2")
    assert lists["records"] == [[12], [80]]
    untotalled = call(client, "datastore_search", resource_id=key, include_total="false")
    assert "total" not in untotalled


def test_datastore_search_refuses_what_the_table_does_not_have(client: Client, catalogue: dict[str, Any]) -> None:
    key = catalogue["licences"].key
    assert call(client, "datastore_search", 409, resource_id=key, filters={"colour": "red"})["filters"]
    assert call(client, "datastore_search", 409, resource_id=key, filters={"staff": "many"})["filters"]
    assert call(client, "datastore_search", 409, resource_id=key, filters={"staff": [1, 2]})["filters"]
    assert call(client, "datastore_search", 409, resource_id=key, filters="[1]")["filters"]
    assert call(client, "datastore_search", 409, resource_id=key, sort="colour")["sort"]
    assert call(client, "datastore_search", 409, resource_id=key, fields="colour")["fields"]
    assert call(client, "datastore_search", 409, resource_id=key, records_format="csv")["records_format"]
    assert call(client, "datastore_search", 409)["id"]
    # An API has no table to search.
    assert call(client, "datastore_search", 404, resource_id=catalogue["api"].key)["__type"] == "Not Found Error"
