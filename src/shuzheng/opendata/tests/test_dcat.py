"""The open catalogue in DCAT-AP: what it shows, to whom, and that it passes the official SHACL shapes."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import cache
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as ns

from shuzheng.catalog import services
from shuzheng.opendata import dcat
from shuzheng.opendata.dcat import VCARD

pytestmark = pytest.mark.django_db

SHAPES = Path(__file__).parent / "data"
SHAPE_FILES = ("dcat-ap_2.1.1_shacl_shapes.ttl", "dcat-ap_2.1.1_shacl_range.ttl")
EXTENSIONS = {
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("xml", "application/rdf+xml"),
}
SITE = "http://testserver/"
EU = "http://publications.europa.eu/resource/authority/"
LICENCES_CSV = "licence_no,company_name\nJY13301000001,杭州云栖数智科技有限公司\n".encode()


def payload(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "食品经营许可证信息",
        "description": "杭州市食品经营许可证的发证信息。",
        "theme": "market",
        "keywords": ["食品", "许可证"],
        "update_frequency": "daily",
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


def fields(grade: str = "L1") -> list[dict[str, Any]]:
    return [
        {"name": "licence_no", "label": "许可证编号", "data_type": "string", "grade": grade},
        {"name": "company_name", "label": "经营者名称", "data_type": "string", "grade": grade},
    ]


@pytest.fixture
def catalogue(
    make_organisation: Callable[..., Any], make_user: Callable[..., Any], grant: Callable[..., Any]
) -> dict[str, Any]:
    """One open dataset with a CSV file and an API, one restricted (L2), one never open (L4), one draft."""
    market = make_organisation("杭州市市场监督管理局", "330100")
    police = make_organisation("杭州市公安局", "330100")
    cataloguer = make_user("market_cataloguer", kind="official", organisation=market)
    grant(cataloguer, services.VIEW, services.EDIT)

    opened, _ = services.dataset_import_published(
        organisation=market, data=payload(), fields=fields(), code="330100-000001"
    )
    services.resource_add_file(
        editor=cataloguer,
        dataset=opened,
        name="许可证清单",
        filename="licences.csv",
        data=LICENCES_CSV,
    )
    # No service registers an API resource yet; the row is what one would leave.
    apps.get_model("catalog", "Resource").objects.create(
        dataset=opened,
        key="7d1f3c1e-0000-4000-8000-000000000001",
        name="许可证查询接口",
        format="API",
        url="https://api.example.gov.cn/licences",
    )
    restricted, _ = services.dataset_import_published(
        organisation=market,
        data=payload(title="个体工商户经营者信息", grade="L2", open_type="restricted"),
        fields=fields("L2"),
        code="330100-000002",
    )
    closed, _ = services.dataset_import_published(
        organisation=police,
        data=payload(
            title="户籍人口信息",
            theme="public_safety",
            grade="L4",
            share_type="conditional",
            share_basis="《中华人民共和国户口登记条例》",
            open_type="none",
        ),
        fields=fields("L4"),
        code="330100-000003",
    )
    draft = services.dataset_create(author=cataloguer, organisation=market, data=payload(title="草稿"), fields=fields())
    return {"open": opened, "restricted": restricted, "closed": closed, "draft": draft}


def fetch(client: Client, url: str, extension: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith(EXTENSIONS[extension][1])
    return Graph().parse(data=response.content, format=EXTENSIONS[extension][0])


def literal(graph: Graph, subject: Any, predicate: URIRef) -> Literal:
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), (subject, predicate, value)
    return value


def literals(graph: Graph, subject: Any, predicate: URIRef) -> list[Literal]:
    return [value for value in graph.objects(subject, predicate) if isinstance(value, Literal)]


def identifiers(graph: Graph) -> set[str]:
    return {str(graph.value(node, ns.DCTERMS.identifier)) for node in graph.subjects(ns.RDF.type, ns.DCAT.Dataset)}


@cache
def shapes(name: str) -> Graph:
    return Graph().parse(SHAPES / name, format="turtle")


def violations(graph: Graph) -> dict[str, tuple[int, str]]:
    """For each shape file: how many results pyshacl reports, and its report."""
    found = {}
    for name in SHAPE_FILES:
        _conforms, results, text = validate(graph, shacl_graph=shapes(name), inference="none", allow_warnings=False)
        found[name] = (len(list(results.subjects(ns.RDF.type, ns.SH.ValidationResult))), text)
    return found


def assert_valid_dcat_ap(graph: Graph) -> None:
    for name, (count, report) in violations(graph).items():
        assert count == 0, f"{name}: {count} violations\n{report}"


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_the_catalogue_shows_only_unconditionally_open_datasets(
    client: Client, catalogue: dict[str, Any], extension: str
) -> None:
    graph = fetch(client, f"/catalog.{extension}", extension)

    assert identifiers(graph) == {"330100-000001"}
    assert len(list(graph.subjects(ns.RDF.type, ns.DCAT.Catalog))) == 1


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_an_open_dataset_has_its_own_document(client: Client, catalogue: dict[str, Any], extension: str) -> None:
    graph = fetch(client, f"/open/datasets/{catalogue['open'].name}.{extension}", extension)

    assert identifiers(graph) == {"330100-000001"}


@pytest.mark.parametrize("which", ["restricted", "closed", "draft"])
@pytest.mark.parametrize("extension", EXTENSIONS)
def test_what_is_not_open_is_not_found(client: Client, catalogue: dict[str, Any], which: str, extension: str) -> None:
    assert client.get(f"/open/datasets/{catalogue[which].name}.{extension}").status_code == 404


def test_an_unknown_dataset_is_not_found(client: Client, catalogue: dict[str, Any]) -> None:
    assert client.get("/open/datasets/ds-nothing.ttl").status_code == 404


def test_the_documents_are_read_only(client: Client, catalogue: dict[str, Any]) -> None:
    assert client.post("/catalog.ttl").status_code == 405
    assert client.head("/catalog.ttl").status_code == 200


def test_the_catalogue_costs_the_same_queries_however_many_datasets(
    client: Client, catalogue: dict[str, Any], django_assert_num_queries: Any
) -> None:
    # Two queries: the datasets with their department and region, then their resources.
    with django_assert_num_queries(2):
        client.get("/catalog.ttl")
    market = catalogue["open"].organisation
    for number in range(4, 9):
        services.dataset_import_published(
            organisation=market, data=payload(title=f"数据{number}"), fields=fields(), code=f"330100-00000{number}"
        )
    with django_assert_num_queries(2):
        client.get("/catalog.ttl")


# --- what the description says ----------------------------------------------------------------


def test_the_catalogue_describes_the_portal(client: Client, catalogue: dict[str, Any], settings: Any) -> None:
    settings.SHUZHENG_PORTAL_PUBLISHER = "某市大数据局"
    graph = fetch(client, "/catalog.ttl", "ttl")
    catalog = URIRef(f"{SITE}open/#catalog")

    assert {(title.language, str(title)) for title in literals(graph, catalog, ns.DCTERMS.title)} == {
        ("zh", "浙江省公共数据开放目录"),
        ("en", "Open public data catalogue"),
    }
    assert {text.language for text in literals(graph, catalog, ns.DCTERMS.description)} == {"zh", "en"}
    publisher = graph.value(catalog, ns.DCTERMS.publisher)
    assert (publisher, ns.RDF.type, ns.FOAF.Agent) in graph
    assert str(graph.value(publisher, ns.FOAF.name)) == "某市大数据局"
    assert graph.value(catalog, ns.FOAF.homepage) == URIRef(f"{SITE}open/")
    assert set(graph.objects(catalog, ns.DCTERMS.language)) == {
        URIRef(f"{EU}language/ZHO"),
        URIRef(f"{EU}language/ENG"),
    }
    assert literal(graph, catalog, ns.DCTERMS.modified).datatype == ns.XSD.dateTime
    assert set(graph.objects(catalog, ns.DCAT.dataset)) == {
        URIRef(f"{SITE}open/datasets/{catalogue['open'].name}/#dataset")
    }


def test_a_dataset_is_described_in_dcat_ap_terms(client: Client, catalogue: dict[str, Any]) -> None:
    name = catalogue["open"].name
    graph = fetch(client, f"/open/datasets/{name}.ttl", "ttl")
    page = f"{SITE}open/datasets/{name}/"
    dataset = URIRef(f"{page}#dataset")

    assert graph.value(dataset, ns.DCTERMS.identifier) == Literal("330100-000001")
    assert graph.value(dataset, ns.DCTERMS.title) == Literal("食品经营许可证信息", lang="zh")
    assert set(graph.objects(dataset, ns.DCAT.keyword)) == {Literal("食品", lang="zh"), Literal("许可证", lang="zh")}
    assert graph.value(dataset, ns.DCAT.theme) == URIRef(f"{EU}data-theme/ECON")
    assert graph.value(dataset, ns.DCTERMS.accrualPeriodicity) == URIRef(f"{EU}frequency/DAILY")
    assert graph.value(dataset, ns.DCTERMS.accessRights) == URIRef(f"{EU}access-right/PUBLIC")
    assert graph.value(dataset, ns.DCTERMS.spatial) == URIRef(f"{SITE}regions/330100/")
    assert graph.value(dataset, ns.DCAT.landingPage) == URIRef(page)
    assert str(graph.value(graph.value(dataset, ns.DCTERMS.publisher), ns.FOAF.name)) == "杭州市市场监督管理局"

    period = graph.value(dataset, ns.DCTERMS.temporal)
    assert graph.value(period, ns.DCAT.startDate) == Literal(datetime.date(2020, 1, 1))
    assert graph.value(period, ns.DCAT.endDate) is None

    contact = graph.value(dataset, ns.DCAT.contactPoint)
    assert (contact, ns.RDF.type, VCARD.Kind) in graph
    assert str(graph.value(contact, VCARD.fn)) == "数据管理员"
    assert graph.value(contact, VCARD.hasTelephone) == URIRef("tel:+8657185000000")
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:data@hangzhou.gov.cn")


def test_each_resource_is_a_distribution(client: Client, catalogue: dict[str, Any], settings: Any) -> None:
    settings.SHUZHENG_OPEN_DATA_LICENCE = "https://data.example.gov.cn/licence"
    name = catalogue["open"].name
    graph = fetch(client, f"/open/datasets/{name}.ttl", "ttl")
    page = f"{SITE}open/datasets/{name}/"
    distributions = {
        str(graph.value(node, ns.DCTERMS.title)): node for node in graph.subjects(ns.RDF.type, ns.DCAT.Distribution)
    }

    assert set(distributions) == {"许可证清单", "许可证查询接口"}
    csv = distributions["许可证清单"]
    assert graph.value(csv, ns.DCAT.accessURL) == URIRef(f"{page}download.csv")
    assert graph.value(csv, ns.DCTERMS.format) == URIRef(f"{EU}file-type/CSV")
    assert graph.value(csv, ns.DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    size = literal(graph, csv, ns.DCAT.byteSize)
    assert (size.datatype, size.toPython()) == (ns.XSD.decimal, len(LICENCES_CSV))
    assert graph.value(csv, ns.DCTERMS.license) == URIRef("https://data.example.gov.cn/licence")
    api = distributions["许可证查询接口"]
    assert graph.value(api, ns.DCAT.accessURL) == URIRef("https://api.example.gov.cn/licences")
    assert graph.value(graph.value(api, ns.DCAT.accessService), ns.DCAT.endpointURL) == URIRef(
        "https://api.example.gov.cn/licences"
    )


def test_uris_are_the_same_in_every_answer_and_format(client: Client, catalogue: dict[str, Any]) -> None:
    graphs = [fetch(client, f"/catalog.{extension}", extension) for extension in EXTENSIONS]
    graphs.append(fetch(client, "/catalog.ttl", "ttl"))

    assert all(set(graph) == set(graphs[0]) for graph in graphs[1:])
    # No blank nodes: every node can be referred to from outside.
    assert not any(isinstance(term, BNode) for triple in graphs[0] for term in triple)


def test_every_theme_and_frequency_has_an_eu_concept() -> None:
    model = apps.get_model("catalog", "Dataset")
    assert {value for value, _label in model._meta.get_field("theme").choices} == set(dcat.THEMES)
    assert {value for value, _label in model._meta.get_field("update_frequency").choices} == set(dcat.FREQUENCIES)
    assert {value for value, _label in model._meta.get_field("open_type").choices} == set(dcat.ACCESS_RIGHTS)


@pytest.mark.parametrize(
    ("written", "uri"),
    [
        ("0571-85000000", "tel:+8657185000000"),
        ("(0571) 8500 0000", "tel:+8657185000000"),
        ("13800138000", "tel:+8613800138000"),
        ("+86 571 85000000", "tel:+8657185000000"),
        ("12345", "tel:12345;phone-context=+86"),
    ],
)
def test_telephone_numbers_become_tel_uris(written: str, uri: str) -> None:
    assert dcat._telephone_uri(written) == URIRef(uri)


def test_no_telephone_no_triple() -> None:
    assert dcat._telephone_uri("") is None


# --- DCAT-AP 2.1.1 SHACL ----------------------------------------------------------------------


def test_the_catalogue_passes_the_dcat_ap_shapes(client: Client, catalogue: dict[str, Any]) -> None:
    assert_valid_dcat_ap(fetch(client, "/catalog.ttl", "ttl"))


def test_a_dataset_document_passes_the_dcat_ap_shapes(client: Client, catalogue: dict[str, Any]) -> None:
    assert_valid_dcat_ap(fetch(client, f"/open/datasets/{catalogue['open'].name}.jsonld", "jsonld"))


def test_the_shapes_do_catch_a_broken_catalogue(client: Client, catalogue: dict[str, Any]) -> None:
    # The validation above means something only if the shapes see our nodes.
    graph = fetch(client, "/catalog.ttl", "ttl")
    graph.remove((None, ns.DCTERMS.title, None))
    graph.remove((URIRef(f"{EU}data-theme/ECON"), ns.RDF.type, ns.SKOS.Concept))

    found = violations(graph)
    assert found[SHAPE_FILES[0]][0] > 0  # a catalogue and a dataset without a title
    assert found[SHAPE_FILES[1]][0] > 0  # a theme that is not a skos:Concept


def test_the_demo_catalogue_passes_the_dcat_ap_shapes(client: Client) -> None:
    call_command("seed_demo", stdout=StringIO())
    graph = fetch(client, "/catalog.ttl", "ttl")

    assert identifiers(graph)
    assert_valid_dcat_ap(graph)
