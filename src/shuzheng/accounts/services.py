"""Writes of the accounts app."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from shuzheng.accounts.choices import UserKind
from shuzheng.accounts.models import User


@dataclass(frozen=True)
class Persona:
    username: str
    name: str
    kind: UserKind
    is_staff: bool = False
    is_superuser: bool = False


# The demo province's people (design.md §5). Who they act for and which
# roles they hold arrive with the organisations and roles of the user centre.
DEMO_PERSONAS = (
    Persona("citizen", "王晓梅", UserKind.NATURAL_PERSON),
    Persona("enterprise", "陈建国", UserKind.LEGAL_PERSON),
    Persona("clerk", "李娜", UserKind.OFFICIAL),
    Persona("data_officer", "张伟", UserKind.OFFICIAL),
    Persona("inspector", "刘洋", UserKind.OFFICIAL),
    Persona("grid_worker", "赵敏", UserKind.OFFICIAL),
    Persona("leader", "周正华", UserKind.OFFICIAL),
    Persona("sysadmin", "孙浩", UserKind.OFFICIAL, is_staff=True, is_superuser=True),
    Persona("secadmin", "吴婷", UserKind.OFFICIAL),
    Persona("auditadmin", "郑磊", UserKind.OFFICIAL),
)


@transaction.atomic
def demo_personas_seed() -> int:
    """Create or correct the demo personas; returns how many changed."""
    changed = 0
    for persona in DEMO_PERSONAS:
        user = User.objects.filter(username=persona.username).first() or User(username=persona.username)
        wanted = {
            "name": persona.name,
            "kind": persona.kind,
            "is_staff": persona.is_staff,
            "is_superuser": persona.is_superuser,
            "is_active": True,
        }
        dirty = user.pk is None or any(getattr(user, key) != value for key, value in wanted.items())
        for key, value in wanted.items():
            setattr(user, key, value)
        if not user.check_password(settings.SHUZHENG_DEMO_PASSWORD):
            user.set_password(settings.SHUZHENG_DEMO_PASSWORD)
            dirty = True
        if dirty:
            user.save()
            changed += 1
    return changed
