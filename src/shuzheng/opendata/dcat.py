"""The open catalogue as DCAT-AP 2.1.1 RDF, for harvesters (data portals, search engines, CKAN).

The builders are pure: they take datasets already read (with ``organisation``,
``spatial`` and ``resources`` loaded) and the site's origin, and return an
rdflib graph; views only serialise it. Every node has an absolute URI under
the site's origin, so the same dataset has the same URI in every answer.

Controlled vocabularies are the EU Publications Office authority tables that
DCAT-AP names. Their concepts are typed in the graph (``skos:Concept`` with a
label, and the class the DCAT-AP range shapes expect), so a validator needs no
vocabulary files besides the graph itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from shuzheng.core import regions

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
DATA_THEME = Namespace(EU_AUTHORITY + "data-theme/")
FREQUENCY = Namespace(EU_AUTHORITY + "frequency/")
FILE_TYPE = Namespace(EU_AUTHORITY + "file-type/")
ACCESS_RIGHT = Namespace(EU_AUTHORITY + "access-right/")
LANGUAGE = Namespace(EU_AUTHORITY + "language/")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

# The portal's themes (catalog.choices.Theme) in the EU data-theme vocabulary.
THEMES: dict[str, str] = {
    "credit": "ECON",
    "health": "HEAL",
    "social_security": "SOCI",
    "public_safety": "JUST",
    "housing": "REGI",
    "transport": "TRAN",
    "education": "EDUC",
    "science": "TECH",
    "resources": "ENER",
    "environment": "ENVI",
    "agriculture": "AGRI",
    "market": "ECON",
    "finance": "ECON",
    "civil_affairs": "SOCI",
    "water": "ENVI",
    "government": "GOVE",
}
# catalog.choices.UpdateFrequency in the EU frequency vocabulary.
FREQUENCIES: dict[str, str] = {
    "realtime": "UPDATE_CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "yearly": "ANNUAL",
    "irregular": "IRREG",
}
# catalog.choices.OpenType in the EU access-right vocabulary.
ACCESS_RIGHTS: dict[str, str] = {
    "unconditional": "PUBLIC",
    "restricted": "RESTRICTED",
    "none": "NON_PUBLIC",
}
# catalog.choices.ResourceFormat: EU file type and IANA media type of the files.
FILE_FORMATS: dict[str, tuple[str, str]] = {
    "CSV": ("CSV", "text/csv"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "JSON": ("JSON", "application/json"),
}

# The English labels of the authority tables, for the concepts' skos:prefLabel.
_LABELS: dict[str, str] = {
    DATA_THEME.AGRI: "Agriculture, fisheries, forestry and food",
    DATA_THEME.ECON: "Economy and finance",
    DATA_THEME.EDUC: "Education, culture and sport",
    DATA_THEME.ENER: "Energy",
    DATA_THEME.ENVI: "Environment",
    DATA_THEME.GOVE: "Government and public sector",
    DATA_THEME.HEAL: "Health",
    DATA_THEME.INTR: "International issues",
    DATA_THEME.JUST: "Justice, legal system and public safety",
    DATA_THEME.REGI: "Regions and cities",
    DATA_THEME.SOCI: "Population and society",
    DATA_THEME.TECH: "Science and technology",
    DATA_THEME.TRAN: "Transport",
    FREQUENCY.UPDATE_CONT: "continuously updated",
    FREQUENCY.DAILY: "daily",
    FREQUENCY.WEEKLY: "weekly",
    FREQUENCY.MONTHLY: "monthly",
    FREQUENCY.QUARTERLY: "quarterly",
    FREQUENCY.ANNUAL: "annual",
    FREQUENCY.IRREG: "irregular",
    ACCESS_RIGHT.PUBLIC: "public",
    ACCESS_RIGHT.RESTRICTED: "restricted",
    ACCESS_RIGHT.NON_PUBLIC: "non-public",
    FILE_TYPE.CSV: "CSV",
    FILE_TYPE.XLSX: "XLSX",
    FILE_TYPE.JSON: "JSON",
    LANGUAGE.ZHO: "Chinese",
    LANGUAGE.ENG: "English",
}
_SCHEMES: dict[str, str] = {
    str(DATA_THEME): "Data theme",
    str(FREQUENCY): "Frequency",
    str(ACCESS_RIGHT): "Access right",
    str(FILE_TYPE): "File type",
    str(LANGUAGE): "Language",
}

# How each format is served, by the extension of its URL.
FORMATS: dict[str, tuple[str, str]] = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("xml", "application/rdf+xml"),
}
_PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "skos": SKOS, "vcard": VCARD, "xsd": XSD}


def catalog_graph(datasets: Iterable[Any], *, base_url: str) -> Graph:
    """The ``dcat:Catalog`` of the open-data portal with every dataset given."""
    base = _origin(base_url)
    datasets = list(datasets)
    graph = _graph()
    catalog = URIRef(f"{base}open/#catalog")
    province = regions.full_name(f"{settings.SHUZHENG_PROVINCE}0000")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(f"{province}公共数据开放目录", lang="zh")))
    graph.add((catalog, DCTERMS.title, Literal("Open public data catalogue", lang="en")))
    graph.add((catalog, DCTERMS.description, Literal(f"{province}各部门无条件开放的公共数据资源。", lang="zh")))
    graph.add(
        (
            catalog,
            DCTERMS.description,
            Literal("Public data that the province's government departments open to everyone.", lang="en"),
        )
    )
    graph.add((catalog, DCTERMS.spatial, _location(graph, base, f"{settings.SHUZHENG_PROVINCE}0000", province)))
    publisher = URIRef(f"{base}open/#publisher")
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(settings.SHUZHENG_PORTAL_PUBLISHER, lang="zh")))
    homepage = URIRef(f"{base}open/")
    graph.add((catalog, FOAF.homepage, homepage))
    graph.add((homepage, RDF.type, FOAF.Document))
    for language in (LANGUAGE.ZHO, LANGUAGE.ENG):
        graph.add((catalog, DCTERMS.language, _concept(graph, language, DCTERMS.LinguisticSystem)))
    graph.add((catalog, DCTERMS.license, _licence(graph)))
    graph.add((catalog, DCAT.themeTaxonomy, _scheme(graph, str(DATA_THEME))))
    if datasets:
        graph.add((catalog, DCTERMS.modified, Literal(max(dataset.updated_at for dataset in datasets))))
    for dataset in datasets:
        graph.add((catalog, DCAT.dataset, _add_dataset(graph, dataset, base)))
    return graph


def dataset_graph(dataset: Any, *, base_url: str) -> Graph:
    """One dataset, its distributions and the nodes they point to."""
    graph = _graph()
    _add_dataset(graph, dataset, _origin(base_url))
    return graph


def serialise(graph: Graph, extension: str) -> bytes:
    """The graph as Turtle (``ttl``), JSON-LD (``jsonld``) or RDF/XML (``rdf``)."""
    rdflib_format = FORMATS[extension][0]
    if rdflib_format == "json-ld":
        context = {prefix: str(namespace) for prefix, namespace in _PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    return graph.serialize(format=rdflib_format, encoding="utf-8")


def dataset_uri(name: str, *, base_url: str) -> str:
    """The URI naming a dataset (not a document): its landing page with ``#dataset``."""
    return f"{_origin(base_url)}open/datasets/{name}/#dataset"


def _origin(base_url: str) -> str:
    return base_url.rstrip("/") + "/"


def _graph() -> Graph:
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in _PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _add_dataset(graph: Graph, dataset: Any, base: str) -> URIRef:
    page = f"{base}open/datasets/{dataset.name}/"
    node = URIRef(dataset_uri(dataset.name, base_url=base))
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(dataset.code)))
    graph.add((node, DCTERMS.title, Literal(dataset.title, lang="zh")))
    graph.add((node, DCTERMS.description, Literal(dataset.description, lang="zh")))
    for keyword in dataset.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="zh")))
    graph.add((node, DCAT.theme, _concept(graph, DATA_THEME[THEMES[dataset.theme]])))
    graph.add(
        (
            node,
            DCTERMS.accrualPeriodicity,
            _concept(graph, FREQUENCY[FREQUENCIES[dataset.update_frequency]], DCTERMS.Frequency),
        )
    )
    graph.add(
        (
            node,
            DCTERMS.accessRights,
            _concept(graph, ACCESS_RIGHT[ACCESS_RIGHTS[dataset.open_type]], DCTERMS.RightsStatement),
        )
    )
    graph.add((node, DCTERMS.language, _concept(graph, LANGUAGE.ZHO, DCTERMS.LinguisticSystem)))

    organisation = dataset.organisation
    publisher = URIRef(f"{base}open/organisations/{organisation.pk}/#agent")
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(organisation.name, lang="zh")))

    graph.add((node, DCTERMS.spatial, _location(graph, base, dataset.spatial_id, dataset.spatial.name)))

    if dataset.temporal_start or dataset.temporal_end:
        period = URIRef(f"{page}#temporal")
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            graph.add((period, DCAT.startDate, Literal(dataset.temporal_start)))
        if dataset.temporal_end:
            graph.add((period, DCAT.endDate, Literal(dataset.temporal_end)))

    contact = URIRef(f"{page}#contact-point")
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(dataset.contact_name, lang="zh")))
    telephone = _telephone_uri(dataset.contact_phone)
    if telephone is not None:
        graph.add((contact, VCARD.hasTelephone, telephone))
    if dataset.contact_email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))

    if dataset.published_at:
        graph.add((node, DCTERMS.issued, Literal(dataset.published_at)))
    graph.add((node, DCTERMS.modified, Literal(dataset.updated_at)))
    landing = URIRef(page)
    graph.add((node, DCAT.landingPage, landing))
    graph.add((landing, RDF.type, FOAF.Document))

    for resource in dataset.resources.all():
        graph.add((node, DCAT.distribution, _add_distribution(graph, resource, node, page)))
    return node


def _add_distribution(graph: Graph, resource: Any, dataset: URIRef, page: str) -> URIRef:
    node = URIRef(f"{page}#distribution-{resource.key}")
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(resource.name, lang="zh")))
    graph.add((node, DCTERMS.issued, Literal(resource.created_at)))
    graph.add((node, DCTERMS.modified, Literal(resource.updated_at)))
    graph.add((node, DCTERMS.license, _licence(graph)))
    if resource.format in FILE_FORMATS:
        file_type, media_type = FILE_FORMATS[resource.format]
        download = URIRef(f"{page}download.{file_type.lower()}")
        graph.add((node, DCAT.accessURL, download))
        graph.add((node, DCAT.downloadURL, download))
        graph.add((node, DCTERMS.format, _concept(graph, FILE_TYPE[file_type], DCTERMS.MediaTypeOrExtent)))
        media = URIRef(IANA_MEDIA_TYPES + media_type)
        graph.add((node, DCAT.mediaType, media))
        graph.add((media, RDF.type, DCTERMS.MediaType))
    else:
        # An API: reached at its own address, described as the data service it is.
        endpoint = URIRef(resource.url or page)
        graph.add((node, DCAT.accessURL, endpoint))
        service = URIRef(f"{page}#service-{resource.key}")
        graph.add((node, DCAT.accessService, service))
        graph.add((service, RDF.type, DCAT.DataService))
        graph.add((service, DCTERMS.title, Literal(resource.name, lang="zh")))
        graph.add((service, DCAT.endpointURL, endpoint))
        graph.add((service, DCAT.servesDataset, dataset))
    if resource.size is not None:
        # xsd:decimal in its canonical form (75.0), which every serialisation keeps as written.
        graph.add((node, DCAT.byteSize, Literal(f"{resource.size}.0", datatype=XSD.decimal)))
    return node


def _concept(graph: Graph, uri: URIRef, *classes: URIRef) -> URIRef:
    """An authority-table concept, typed and labelled as the DCAT-AP shapes expect."""
    graph.add((uri, RDF.type, SKOS.Concept))
    for cls in classes:
        graph.add((uri, RDF.type, cls))
    graph.add((uri, SKOS.prefLabel, Literal(_LABELS[uri], lang="en")))
    graph.add((uri, SKOS.inScheme, _scheme(graph, str(uri).rsplit("/", 1)[0] + "/")))
    return uri


def _scheme(graph: Graph, namespace: str) -> URIRef:
    scheme = URIRef(namespace.rstrip("/"))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.title, Literal(_SCHEMES[namespace], lang="en")))
    return scheme


def _location(graph: Graph, base: str, code: str, name: str) -> URIRef:
    """A region (GB/T 2260) as a ``dct:Location``: its page on the platform."""
    region = URIRef(f"{base}regions/{code}/")
    graph.add((region, RDF.type, DCTERMS.Location))
    graph.add((region, SKOS.prefLabel, Literal(name, lang="zh")))
    return region


def _licence(graph: Graph) -> URIRef:
    licence = URIRef(settings.SHUZHENG_OPEN_DATA_LICENCE)
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    return licence


def _telephone_uri(number: str) -> URIRef | None:
    """A ``tel:`` URI (RFC 3966) for a number as written in China: 0571-85000000, 138…, 12345, +86…."""
    digits = re.sub(r"\D", "", number)
    if not digits:
        return None
    if number.strip().startswith("+"):
        return URIRef(f"tel:+{digits}")
    if digits.startswith("0"):
        return URIRef(f"tel:+86{digits[1:]}")
    if len(digits) == 11 and digits.startswith("1"):
        return URIRef(f"tel:+86{digits}")
    # Service numbers such as the 12345 hotline are local to the country.
    return URIRef(f"tel:{digits};phone-context=+86")
