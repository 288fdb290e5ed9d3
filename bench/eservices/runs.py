"""The measuring process of the one-stop services benchmark, on the benchmark's database.

``python -m bench.eservices.runs`` builds the world (bench/eservices/world.py) and then answers
commands on its standard input, one JSON line each (``{"what": "submit", "side": "ours",
"count": 300}``), with the seconds its timed calls took in all; it stops at the end of its input.
``python -m bench.eservices.runs profile WHAT SIDE [COUNT]`` runs one measurement under cProfile
instead (only the timed calls are profiled) and prints where the time went.

Each run starts from no case of the item: the previous run's cases, their history, idempotency
keys and messages are deleted first, outside the timing. Only the calls themselves are timed: what
a request would have in hand before calling ours — the signed-in user, the item or the case the
view looked up — is read fresh before each call, untimed (the peer needs none of it). After each
run the rows are checked: every application submitted with its number, history row and key, every
case at its end with the same fields whichever side moved it.
"""

from __future__ import annotations

import cProfile
import hashlib
import io
import json
import os
import pstats
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench.eservices.world import FORM, World, build, environment, prepare

ROUTE = ("accept", "approve", "approve", "approve")
COUNT = 300
USER_AGENT = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 浙里办/7.16"


class Clock:
    """The time spent in the timed calls, and the profiler that watches only them, if any."""

    def __init__(self, profiler: cProfile.Profile | None = None) -> None:
        self.seconds = 0.0
        self.profiler = profiler

    @contextmanager
    def timing(self) -> Iterator[None]:
        if self.profiler is not None:
            self.profiler.enable()
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - start
            if self.profiler is not None:
                self.profiler.disable()


def _request() -> Any:
    """What the API hands the services: the caller's address and user agent go into the audit trail."""
    from django.test import RequestFactory

    return RequestFactory().post("/api/v1/eservices/cases", REMOTE_ADDR="223.104.13.27", HTTP_USER_AGENT=USER_AGENT)


def _item(world: World) -> tuple[Any, Any]:
    """The item as the API finds it by its code, and its version in force."""
    from shuzheng.eservices import selectors

    item = selectors.item_by_code(implementation_code=world.item)
    if item is None or item.published is None:
        raise RuntimeError("the benchmark's item is missing")
    return item, item.published


def clean(world: World) -> None:
    """Delete the item's cases (with their history and keys) and the messages about them."""
    from shuzheng.core.models import Message
    from shuzheng.eservices.models import Case, SubmissionKey

    Case.objects.filter(item__implementation_code=world.item).delete()
    SubmissionKey.objects.filter(applicant_id__in=world.applicants).delete()
    Message.objects.filter(recipient_id__in=world.applicants, topic__startswith="eservices.case.").delete()


# --- submissions ----------------------------------------------------------------------------------


def submit_ours(world: World, count: int, clock: Clock) -> None:
    """``case_submit`` under an Idempotency-Key, no pledge: the API's path for one application."""
    from shuzheng.accounts.models import User
    from shuzheng.eservices import services

    request = _request()
    for n in range(count):
        applicant = User.objects.get(pk=world.applicants[n % len(world.applicants)])
        item, _ = _item(world)
        key = str(uuid.uuid4())
        with clock.timing():
            services.case_submit(applicant=applicant, item=item, data=FORM, idempotency_key=key, request=request)
    _check_submitted(world, count)


def submit_peer(world: World, count: int, clock: Clock) -> None:
    """The same rows written plainly: the case (submitted, at its first step, numbered), its
    history row and the idempotency key, three inserts in one transaction per application."""
    from django.db import transaction
    from django.utils import timezone

    from shuzheng.eservices.models import Case, CaseEvent, SubmissionKey

    item, version = _item(world)
    first = version.spec.steps[0].code
    for n in range(count):
        applicant = world.applicants[n % len(world.applicants)]
        key = str(uuid.uuid4())
        body = json.dumps({"item": item.pk, "data": FORM, "legal_person": None, "pledge": False}, sort_keys=True)
        with clock.timing(), transaction.atomic():
            now = timezone.now()
            case = Case.objects.create(
                number=f"{item.region_id}{timezone.localtime(now):%Y%m%d}{9_000_000_000 + n:010d}",
                item_id=item.pk,
                version_id=version.pk,
                applicant_id=applicant,
                organisation_id=item.department_id,
                region_id=item.region_id,
                data=FORM,
                status="submitted",
                step=first,
                submitted_at=now,
            )
            CaseEvent.objects.create(
                case=case,
                actor_id=applicant,
                action="submit",
                step_to=first,
                status_from="draft",
                status_to="submitted",
                detail={"pledge": False},
            )
            SubmissionKey.objects.create(
                applicant_id=applicant, key=key, body_hash=hashlib.sha256(body.encode()).hexdigest(), case=case
            )
    _check_submitted(world, count)


def _check_submitted(world: World, count: int) -> None:
    from shuzheng.eservices.models import Case, CaseEvent, SubmissionKey

    cases = Case.objects.filter(item__implementation_code=world.item)
    found = (
        cases.filter(status="submitted", step="accept", number__isnull=False, revision=1).count(),
        CaseEvent.objects.filter(case__in=cases, action="submit").count(),
        SubmissionKey.objects.filter(case__in=cases).count(),
    )
    if found != (count, count, count):
        raise RuntimeError(f"expected {count} submitted cases, history rows and keys, found {found}")


# --- transitions ----------------------------------------------------------------------------------


def _submitted(world: World, count: int) -> list[int]:
    """``count`` applications waiting for acceptance, written in one go (untimed)."""
    from django.utils import timezone

    from shuzheng.eservices.models import Case

    item, version = _item(world)
    now = timezone.now()
    cases = Case.objects.bulk_create(
        Case(
            number=f"{item.region_id}{timezone.localtime(now):%Y%m%d}{8_000_000_000 + n:010d}",
            item_id=item.pk,
            version_id=version.pk,
            applicant_id=world.applicants[n % len(world.applicants)],
            organisation_id=item.department_id,
            region_id=item.region_id,
            data=FORM,
            status="submitted",
            step="accept",
            submitted_at=now,
        )
        for n in range(count)
    )
    return [case.pk for case in cases]


def act_ours(world: World, count: int, clock: Clock) -> None:
    """``case_act`` at the revision the official saw: acceptance, then an approval at each step."""
    from shuzheng.accounts.models import User
    from shuzheng.eservices import services
    from shuzheng.eservices.models import Case

    request = _request()
    cases = _submitted(world, count // len(ROUTE))
    for action in ROUTE:
        for pk in cases:
            official = User.objects.get(pk=world.clerk)
            case = Case.objects.select_related("item", "version", "organisation", "applicant").get(pk=pk)
            with clock.timing():
                services.case_act(case=case, user=official, action=action, revision=case.revision, request=request)
    _check_finished(world, cases)


def act_peer(world: World, count: int, clock: Clock) -> None:
    """The same changes written plainly: per step, one transaction that updates the case at the
    revision held (status, step, revision and the fields the step sets) and inserts its history row."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from shuzheng.eservices.models import Case, CaseEvent

    changes = _route(world)
    cases = _submitted(world, count // len(ROUTE))
    revisions = dict.fromkeys(cases, 1)
    for action, before, after, values in changes:
        for pk in cases:
            with clock.timing(), transaction.atomic():
                fields = {**values, "finished_at": timezone.now()} if after[1] == "completed" else values
                updated = Case.objects.filter(pk=pk, revision=revisions[pk]).update(
                    revision=F("revision") + 1, step=after[0], status=after[1], **fields
                )
                if updated != 1:
                    raise RuntimeError(f"case {pk} was not at revision {revisions[pk]}")
                CaseEvent.objects.create(
                    case_id=pk,
                    actor_id=world.clerk,
                    action=action,
                    step_from=before[0],
                    step_to=after[0],
                    status_from=before[1],
                    status_to=after[1],
                )
            revisions[pk] += 1
    _check_finished(world, cases)


def _route(world: World) -> list[tuple[str, tuple[str, str], tuple[str, str], dict[str, Any]]]:
    """Each step of the route: its action, (step, status) before and after, the other fields it
    sets — the values our workflow sets, worked out once."""
    from django.utils import timezone

    from shuzheng.core.workdays import add_working_days

    spec, today = _item(world)[1].spec, timezone.localdate()
    steps = [step.code for step in spec.steps]
    accepted: dict[str, Any] = {
        "accepted_on": today,
        "legal_due": add_working_days(today, spec.legal_days),
        "promised_due": add_working_days(today, spec.promised_days),
    }
    route = [("accept", (steps[0], "submitted"), (steps[1], "processing"), accepted)]
    for index in range(1, len(steps)):
        if index + 1 < len(steps):
            route.append(("approve", (steps[index], "processing"), (steps[index + 1], "processing"), {}))
        else:
            finish = {"result": spec.result_name}
            route.append(("approve", (steps[index], "processing"), (steps[index], "completed"), finish))
    assert [action for action, *_ in route] == list(ROUTE)
    return route


def _check_finished(world: World, cases: list[int]) -> None:
    from django.db.models import Count

    from shuzheng.eservices.models import Case

    rows = set(
        Case.objects.filter(pk__in=cases)
        .annotate(history=Count("events"))
        .values_list("status", "step", "revision", "accepted_on", "legal_due", "promised_due", "result", "history")
    )
    route = _route(world)
    wanted = ("completed", route[-1][2][0], len(ROUTE) + 1, *route[0][3].values(), route[-1][3]["result"], len(ROUTE))
    finished = Case.objects.filter(pk__in=cases, finished_at__isnull=False).count()
    if rows != {wanted} or finished != len(cases):
        raise RuntimeError(f"cases did not end as the workflow ends them: {rows} instead of {wanted}")


RUNS: dict[tuple[str, str], Callable[[World, int, Clock], None]] = {
    ("submit", "ours"): submit_ours,
    ("submit", "peer"): submit_peer,
    ("act", "ours"): act_ours,
    ("act", "peer"): act_peer,
}


def measure(world: World, what: str, side: str, count: int, profiler: cProfile.Profile | None = None) -> float:
    """Seconds the timed calls of one run took in all."""
    clean(world)
    clock = Clock(profiler)
    RUNS[what, side](world, count, clock)
    return clock.seconds


def main(argv: list[str]) -> None:
    os.environ.update(environment())
    if argv[:1] == ["profile"]:
        prepare()
    import django

    django.setup()
    answers = sys.stdout
    sys.stdout = sys.stderr  # the answers' channel carries nothing else
    world = build()
    if argv[:1] == ["profile"]:
        what, side, count = argv[1], argv[2], int(argv[3]) if len(argv) > 3 else COUNT
        measure(world, what, side, count)  # warm, as the benchmark does
        profiler = cProfile.Profile()
        seconds = measure(world, what, side, count, profiler)
        clean(world)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(40)
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
        answers.write(f"{what} {side}: {count / seconds:,.0f}/s under the profiler\n{out.getvalue()}")
        return
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    for line in sys.stdin:
        command = json.loads(line)
        seconds = measure(world, command["what"], command["side"], command["count"])
        answers.write(json.dumps({"seconds": seconds, "count": command["count"]}) + "\n")
        answers.flush()
    clean(world)


if __name__ == "__main__":
    main(sys.argv[1:])
