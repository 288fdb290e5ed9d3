"""A load that changes a dataset with rules is followed by a check of it, so that the night's loads
are followed by the night's checks; a load that changes nothing, or a dataset without rules, is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shuzheng.core.selectors import audit_events
from shuzheng.ingest import services as ingest
from shuzheng.quality.models import CheckRun
from shuzheng.quality.tests.factories import add

pytestmark = pytest.mark.django_db

CSV = (
    "统一社会信用代码,企业名称,所在地,成立日期\n"
    "91330100MA2H3X4Y6M,杭州云栖数智科技有限公司,330106,2019-05-01\n"
    "91330100MA2H3X4Y6N,杭州知味餐饮有限公司,330106,2020-01-01\n"
)


@pytest.fixture
def load(enterprises: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any) -> Any:
    organisation = enterprises.organisation
    source = ingest.source_create(editor=None, organisation=organisation, name="登记系统导出", kind="file")
    pipeline = ingest.pipeline_create(editor=None, name="企业归集", source=source, dataset=enterprises, key=["uscc"])
    path = tmp_path / "企业.csv"
    path.write_text(CSV, encoding="utf-8")

    def run() -> Any:
        # As in the worker: what a run does after its commit happens here too.
        with django_capture_on_commit_callbacks(execute=True):
            queued = ingest.run_start(user=None, pipeline=pipeline, file_name=path.name, content=path, background=False)
            return ingest.run_execute(run_id=queued.pk)

    return run


def test_a_load_that_changes_a_dataset_with_rules_has_it_checked(
    enterprises: Any, people: dict[str, Any], load: Any
) -> None:
    add(people, enterprises, "uscc", ["uscc"])
    first = load()
    assert first.rows_updated == 2  # the register's rows, loaded anew from the file
    [check] = CheckRun.objects.filter(dataset=enterprises)
    assert check.status == "succeeded"
    event = audit_events(action="quality.check").get()
    assert event.actor_id is None  # the platform checked, nobody asked
    again = load()  # the same file: nothing changes, nothing to check again
    assert (again.rows_unchanged, again.rows_updated) == (2, 0)
    assert CheckRun.objects.filter(dataset=enterprises).count() == 1


def test_a_dataset_without_rules_is_not_checked(enterprises: Any, load: Any) -> None:
    assert load().rows_updated == 2
    assert not CheckRun.objects.filter(dataset=enterprises).exists()
