"""The demo's sharing: a verification grant of the population register, calls already made about
the citizen persona, and seeding again changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from shuzheng.core.demo import seeders
from shuzheng.sharing import selectors
from shuzheng.sharing.choices import RequestStatus
from shuzheng.sharing.demo import CALLS, demo_seed
from shuzheng.sharing.models import ShareRequest

pytestmark = pytest.mark.django_db


def test_the_demo_grants_the_register_and_the_citizen_sees_the_calls(regions: None) -> None:
    for name, seeder in seeders().items():
        if name != "sharing.verification":
            seeder()
    assert demo_seed() == 1
    assert demo_seed() == 0
    assert ShareRequest.objects.get().status == RequestStatus.GRANTED
    citizen = get_user_model().objects.get(username="citizen")
    assert selectors.calls_about(user=citizen).count() == sum(1 for _case, index in CALLS if index == 0)
    assert selectors.calls_verify().intact
