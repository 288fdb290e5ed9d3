"""`shuzheng appoint-admin USERNAME system|security|audit`: appoint one of the 三员.

Run by the operator who installs the platform, from the server, so that no
administrator can appoint another (or themselves) from a web page.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from shuzheng.accounts import services
from shuzheng.accounts.choices import AdministratorKind
from shuzheng.accounts.models import User


class Command(BaseCommand):
    help = "Appoint an official as the system, security or audit administrator (one duty per account)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("kind", choices=[kind.value for kind in AdministratorKind])
        parser.add_argument("--basis", default="", help="the appointment document, e.g. 杭数〔2026〕12号")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        try:
            services.administrator_appoint(user=user, kind=options["kind"], basis=options["basis"])
        except services.AccountError as exc:
            raise CommandError(exc.message) from exc
        except IntegrityError as exc:
            raise CommandError(f"{user.username} already holds an administrator duty; one account, one duty") from exc
        self.stdout.write(self.style.SUCCESS(f"{user.username} is now the {options['kind']} administrator"))
