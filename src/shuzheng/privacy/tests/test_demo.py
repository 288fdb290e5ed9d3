"""The demo's personal data: the restricted register is classified by its rows, its opening masks
by kind, and seeding again changes nothing."""

from __future__ import annotations

import pytest

from shuzheng.catalog.selectors import datasets_with_codes
from shuzheng.core.demo import seeders
from shuzheng.privacy import selectors
from shuzheng.privacy.demo import DATASETS, demo_seed

pytestmark = pytest.mark.django_db


def test_the_restricted_register_is_classified_once(regions: None) -> None:
    for name, seeder in seeders().items():
        if name != "privacy.classification":
            seeder()
    assert demo_seed() == 1
    assert demo_seed() == 0
    register = datasets_with_codes(codes=list(DATASETS)).get()
    kinds = selectors.field_kinds(dataset=register)
    assert {"person_name", "address"} <= set(kinds.values())
    assert set(kinds.values()) <= set(selectors.DETECTORS)
