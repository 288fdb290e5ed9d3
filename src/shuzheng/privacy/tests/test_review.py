"""The security review (数据安全核查): each dataset's personal data against its declared grades, its
release checks and its watermarked extracts — for the keeper of the policies every dataset, for a
department's classifier its own; the CSV for the assessment file."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django.test import Client

from shuzheng.catalog import services as catalog
from shuzheng.privacy import selectors, services
from shuzheng.privacy.models import FieldProposal
from shuzheng.privacy.tests.factories import FIELDS, payload

REVIEW = "/workbench/privacy/review/"


def reviewed(user: Any) -> dict[str, selectors.DatasetReview]:
    return {review.dataset.code: review for review in selectors.security_review(user=user)}


def test_the_review_page_as_each_persona(
    register: Any, cast: dict[str, Any], assert_access: Callable[..., None], signed_in: Callable[[Any], Client]
) -> None:
    assert_access(
        "get",
        REVIEW,
        owner=(cast["officer"], 200),
        stranger=(cast["elsewhere"], 200),
        keeper=(cast["platform"], 200),
        outsider=(cast["bystander"], 403),
        citizen=(cast["citizen"], 403),
        anonymous=302,
    )
    assert register.code in signed_in(cast["officer"]).get(REVIEW).content.decode()
    assert register.code in signed_in(cast["platform"]).get(REVIEW).content.decode()
    # The transport bureau's classifier answers for its own datasets, not for the civil-affairs register.
    assert register.code not in signed_in(cast["elsewhere"]).get(REVIEW).content.decode()
    assert 'data-testid="review-link"' in signed_in(cast["platform"]).get("/workbench/privacy/").content.decode()
    assert 'data-testid="review-link"' not in signed_in(cast["bystander"]).get("/workbench/privacy/").content.decode()


def test_what_the_assessment_asks_of_a_dataset_before_and_after_the_work(register: Any, cast: dict[str, Any]) -> None:
    before = reviewed(cast["officer"])[register.code]
    # Unclassified, the catalogue's personal fields are read by their labels.
    assert before.personal == {"id_number": "resident_id", "xm": "person_name", "mobile": "mobile", "card": "bank_card"}
    assert (before.classified, before.implied) == (False, "L4")  # bank account numbers are L4
    assert before.under_graded == ["card"]  # graded L3
    assert before.dataset_under_graded  # the register is L3
    assert before.check_wanted  # restricted opening of personal data, never checked
    assert before.findings == 3  # not yet classified is shown, not counted

    services.dataset_classify(user=cast["officer"], dataset=register)
    for proposal in FieldProposal.objects.filter(dataset=register).exclude(kind=""):
        services.proposal_decide(user=cast["officer"], proposal=proposal, accept=True)
    catalog_fields = [{**item, "grade": "L4"} if item["name"] == "card" else item for item in FIELDS]
    catalog.dataset_import_published(
        organisation=register.organisation,
        data=payload("最低生活保障对象名单", grade="L4", open_type="none"),
        fields=catalog_fields,
        code=register.code,
    )
    after = reviewed(cast["platform"])[register.code]
    assert (after.classified, after.pending, after.under_graded, after.dataset_under_graded) == (True, 0, [], False)
    assert not after.check_wanted  # no longer opened
    assert after.findings == 0


def test_the_csv_has_a_row_per_dataset_for_the_assessment_file(
    register: Any, cast: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    response = signed_in(cast["platform"]).get(REVIEW, {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # office spreadsheets then read it as UTF-8
    header, *rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header[:4] == ["编码", "数据资源", "提供部门", "安全级别"]
    row = next(row for row in rows if row[0] == register.code)
    assert (row[2], row[3], row[4], row[6]) == ("杭州市民政局", "L3", "L4", "card")
    assert "id_number（resident_id）" in row[5]
    assert signed_in(cast["bystander"]).get(REVIEW, {"format": "csv"}).status_code == 403


def test_the_review_reads_a_fixed_number_of_queries(
    register: Any, cast: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for number in range(1, 6):
        catalog.dataset_import_published(
            organisation=register.organisation,
            data=payload(f"救助对象名单{number}"),
            fields=FIELDS,
            code=f"330100-00009{number}",
        )
    with django_assert_max_num_queries(8):
        reviews = selectors.security_review(user=cast["platform"])
        assert len(reviews) == 6
        assert all(review.personal for review in reviews)


def test_an_organisations_credit_code_is_no_personal_data(register: Any, cast: dict[str, Any]) -> None:
    companies, _ = catalog.dataset_import_published(
        organisation=register.organisation,
        data=payload("养老服务机构名单", grade="L1", open_type="unconditional"),
        fields=[{"name": "uscc", "label": "统一社会信用代码", "data_type": "string", "grade": "L1"}],
        code="330100-000099",
    )
    FieldProposal.objects.create(dataset=companies, field_name="uscc", kind="uscc", grade="L1", status="accepted")
    review = reviewed(cast["platform"])[companies.code]
    assert (review.personal, review.implied, review.check_wanted, review.findings) == ({}, "L1", False, 0)


def test_the_api_gives_the_same_review(
    register: Any, cast: dict[str, Any], signed_in: Callable[[Any], Client], client: Client
) -> None:
    url = "/api/v1/privacy/review"
    answer = signed_in(cast["platform"]).get(url)
    assert answer.status_code == 200
    row = next(row for row in answer.json() if row["code"] == register.code)
    assert (row["grade"], row["implied"], row["under_graded"], row["check"]) == ("L3", "L4", ["card"], None)
    assert (row["check_wanted"], row["classified"], row["findings"]) == (True, False, 3)
    assert register.code in {row["code"] for row in signed_in(cast["officer"]).get(url).json()}
    assert register.code not in {row["code"] for row in signed_in(cast["elsewhere"]).get(url).json()}
    assert signed_in(cast["bystander"]).get(url).status_code == 403
    assert signed_in(cast["citizen"]).get(url).status_code == 403
    assert client.get(url).status_code in (401, 403)
