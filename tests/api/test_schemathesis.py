"""Property-based checks of the whole API against its own OpenAPI document.

Schemathesis generates valid and invalid requests for every operation and
checks that none is answered with a 500 and that responses match the schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from shuzheng.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# One pytest test per operation, each with its own id: schemathesis's own parametrize gives every
# operation the same node id, and pytest-xdist would then run only one of them.
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    # Calling the WSGI app directly fires request_finished, which closes the
    # database connection that holds the test's transaction; Django's own test
    # client disconnects the same handler for the same reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_api_conforms_to_its_schema(operation: Any) -> None:
    @given(case=st.one_of(operation.as_strategy(mode) for mode in GenerationMode))
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate()

    check()
