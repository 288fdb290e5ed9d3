from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from django.core.management import CommandError, call_command

from shuzheng.core.selectors import audit_events
from shuzheng.privacy import selectors, services
from shuzheng.privacy.models import FieldProposal
from shuzheng.privacy.tests.factories import people

QUASI = ["birth", "sex", "region"]


def test_classification_proposes_kinds_and_grades_from_the_values(register: Any, cast: dict[str, Any]) -> None:
    proposals = {p.field_name: p for p in services.dataset_classify(user=cast["officer"], dataset=register)}
    assert {name: p.kind for name, p in proposals.items() if p.kind} == {
        "id_number": "resident_id",
        "xm": "person_name",  # bare names, recognised because the field says 姓名
        "mobile": "mobile",
        "card": "bank_card",
    }
    assert proposals["card"].grade == "L4"
    assert proposals["id_number"].grade == "L3"
    assert proposals["id_number"].share == 1
    assert proposals["sex"].kind == ""
    assert proposals["sex"].grade == "L1"


def test_classification_keeps_decisions_until_the_kind_changes(register: Any, cast: dict[str, Any]) -> None:
    officer = cast["officer"]
    services.dataset_classify(user=officer, dataset=register)
    name = FieldProposal.objects.get(dataset=register, field_name="xm")
    services.proposal_decide(user=officer, proposal=name, accept=False)
    assert "xm" not in selectors.field_kinds(dataset=register)
    services.dataset_classify(user=officer, dataset=register)
    name.refresh_from_db()
    assert name.status == "rejected"


@pytest.mark.parametrize("who", ["elsewhere", "bystander", "citizen", "platform"])
def test_only_the_owning_department_classifies_and_checks(register: Any, cast: dict[str, Any], who: str) -> None:
    with pytest.raises(services.PrivacyForbidden):
        services.dataset_classify(user=cast[who], dataset=register)
    with pytest.raises(services.PrivacyForbidden):
        services.release_check(user=cast[who], dataset=register, quasi_identifiers=QUASI)


def test_the_masking_plan_follows_grade_channel_and_kind(register: Any, cast: dict[str, Any]) -> None:
    services.dataset_classify(user=cast["officer"], dataset=register)
    row = people(1)[0]

    def masked(channel: str) -> dict[str, Any]:
        plan = selectors.masking_plan(dataset=register, channel=channel, domain="test")
        return selectors.mask_record(row, plan)

    shown = masked("display")
    assert shown["id_number"] == row["id_number"][:2] + "*" * 14 + row["id_number"][-2:]
    assert shown["mobile"] == row["mobile"][:3] + "****" + row["mobile"][-4:]
    assert shown["sex"] == row["sex"]
    assert shown["amount"] == row["amount"]
    opened = masked("open")
    assert len(opened["id_number"]) == 32
    assert row["id_number"] not in str(opened)
    assert opened["xm"].endswith("*") or "*" in opened["xm"]


def test_a_policy_for_a_purpose_overrides_the_channel_and_is_audited(register: Any, cast: dict[str, Any]) -> None:
    services.dataset_classify(user=cast["officer"], dataset=register)
    services.policy_save(
        user=cast["platform"],
        channel="sharing",
        grade="L3",
        purpose="低保资格核查",
        treatments={"resident_id": {"method": "token"}, "*": {"method": "mask"}, "": {"method": "keep"}},
    )
    row = people(1)[0]
    checking = selectors.masking_plan(dataset=register, channel="sharing", purpose="低保资格核查")
    other = selectors.masking_plan(dataset=register, channel="sharing", purpose="统计分析")
    assert selectors.mask_record(row, checking)["id_number"].startswith("T1.")
    assert "*" in selectors.mask_record(row, other)["id_number"]
    event = audit_events().filter(action="privacy.policy.edit").get()
    assert event.detail["purpose"] == "低保资格核查"


@pytest.mark.parametrize(
    ("treatments", "field"),
    [
        ({"resident_id": {"method": "shred"}}, "treatments.resident_id.method"),
        ({"fingerprint": {"method": "mask"}}, "treatments.fingerprint"),
        ({"*": {"method": "mask", "params": {"first": -1}}}, "treatments.*.params"),
        ({"*": {"method": "amount_range", "params": {"width": 0}}}, "treatments.*.params"),
    ],
)
def test_policies_are_refused_with_the_field_at_fault(cast: dict[str, Any], treatments: Any, field: str) -> None:
    with pytest.raises(services.PrivacyInvalid) as refused:
        services.policy_save(user=cast["platform"], channel="open", grade="L2", treatments=treatments)
    assert field in [problem[0] for problem in refused.value.problems]


def test_only_the_policy_keeper_edits_policies(cast: dict[str, Any]) -> None:
    for who in ("officer", "elsewhere", "bystander", "citizen"):
        with pytest.raises(services.PrivacyForbidden):
            services.policy_save(user=cast[who], channel="open", grade="L2", treatments={"*": {"method": "redact"}})


def test_a_unique_combination_blocks_the_release_until_the_suggestion_is_applied(
    register: Any, cast: dict[str, Any]
) -> None:
    officer = cast["officer"]
    assert selectors.release_check_passing(dataset=register) is None
    check = services.release_check(user=officer, dataset=register, quasi_identifiers=QUASI, sensitive=["amount"])
    assert not check.passed
    outcome = check.report["outcome"]
    assert outcome["small_rows"] > 0
    assert outcome["sample"][0]["records"] < 5
    assert selectors.release_check_passing(dataset=register) is None
    suggested = check.report["suggestion"]["generalisations"]
    assert check.report["suggestion"]["outcome"]["passed"]
    assert suggested["region"] == {"method": "region_city"}
    assert suggested["birth"]["method"] in ("birth_year", "age_band")
    again = services.release_check(
        user=officer, dataset=register, quasi_identifiers=QUASI, sensitive=["amount"], generalisations=suggested
    )
    assert again.passed
    assert again.report["outcome"]["small_rows"] == 0
    assert selectors.release_check_passing(dataset=register) == again


def test_a_withheld_quasi_identifier_tells_no_record_apart(register: Any, cast: dict[str, Any]) -> None:
    """Withheld, a quasi-identifier leaves the grouping (and the failing groups' sample); withheld
    all, every record falls in one group."""
    officer = cast["officer"]
    partly = services.release_check(
        user=officer, dataset=register, quasi_identifiers=QUASI, generalisations={"birth": {"method": "suppress"}}
    )
    assert all(group["values"]["birth"] is None for group in partly.report["outcome"]["sample"])
    everything = {name: {"method": "suppress"} for name in QUASI}
    withheld = services.release_check(
        user=officer, dataset=register, quasi_identifiers=QUASI, generalisations=everything
    )
    assert withheld.passed
    assert withheld.report["outcome"]["small_groups"] == 0


def test_release_checks_refuse_bad_questions(register: Any, cast: dict[str, Any]) -> None:
    with pytest.raises(services.PrivacyInvalid) as refused:
        services.release_check(user=cast["officer"], dataset=register, quasi_identifiers=["nope"], sensitive=[], k=1)
    assert {problem[0] for problem in refused.value.problems} == {"quasi_identifiers", "k"}


def _leak(table: pa.Table, path: Path, *, keep: float, seed: int) -> Path:
    rows = table.to_pylist()
    rng = random.Random(seed)  # noqa: S311 -- a reproducible shuffle, not a secret
    rng.shuffle(rows)
    rows = rows[: int(len(rows) * keep)]
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[name for name in table.column_names if name != "xm"])
        writer.writeheader()
        for row in rows:
            writer.writerow({name: value for name, value in row.items() if name != "xm"})
    return path


def test_a_leaked_extract_is_traced_to_its_release(register: Any, cast: dict[str, Any], tmp_path: Path) -> None:
    officer = cast["officer"]
    services.dataset_classify(user=officer, dataset=register)
    extracts: dict[Any, pa.Table] = {}
    for recipient in ("杭州市人力资源和社会保障局", "杭州市医疗保障局", "杭州市住房保障和房产管理局"):
        release, extract = services.release_extract(
            user=officer,
            dataset=register,
            channel="open",
            recipient=recipient,
            reference=f"GX-{len(extracts) + 1}",
            key_field="id_number",
        )
        extracts[release] = extract
        assert extract.num_rows > release.rows == 60
    assert "*" in extract.column("xm")[0].as_py()  # masked, and hashed keys: the policy of opening
    leaked_release = list(extracts)[1]
    path = _leak(extracts[leaked_release], tmp_path / "leak.csv", keep=0.5, seed=3)
    found = services.release_trace(path=path, actor=officer)
    assert found[0][0] == leaked_release
    assert found[0][1].identified
    assert not any(evidence.identified for _release, evidence in found[1:])
    event = audit_events().filter(action="privacy.release.trace").get()
    assert event.object_id == str(leaked_release.pk)
    out = io.StringIO()
    call_command("privacy", "trace", str(path), "--dataset", register.code, stdout=out)
    assert f"identified: release {leaked_release.pk} to 杭州市医疗保障局 (GX-2)" in out.getvalue()


def test_the_console_classifies_and_says_what_it_cannot_read(register: Any, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("privacy", "classify", register.code, stdout=out)
    assert "居民身份证号" in out.getvalue()
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(CommandError):
        call_command("privacy", "trace", str(tmp_path / "missing.csv"))


def test_an_extract_whose_key_would_be_masked_cannot_be_marked(register: Any, cast: dict[str, Any]) -> None:
    services.dataset_classify(user=cast["officer"], dataset=register)
    with pytest.raises(services.PrivacyInvalid) as refused:
        services.release_extract(
            user=cast["officer"],
            dataset=register,
            channel="display",
            recipient="某局",
            reference="X",
            key_field="id_number",
        )
    assert refused.value.problems[0][:2] == ("key_field", "unusable")
