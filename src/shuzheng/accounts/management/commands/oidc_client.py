"""`shuzheng oidc-client NAME --redirect-uri URI`: register a government system that signs its users in here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shuzheng.accounts import oidc


class Command(BaseCommand):
    help = (
        "Register a government system as an OpenID Connect client (confidential, authorization code with PKCE, "
        "RS256 ID tokens) and print its client id and secret. The secret is shown only this once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the system's name, shown to people on the consent page")
        parser.add_argument(
            "--redirect-uri",
            dest="redirect_uris",
            action="append",
            required=True,
            metavar="URI",
            help="where the system receives the answer; exact match, repeat for several",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client = oidc.oidc_client_register(name=options["name"], redirect_uris=options["redirect_uris"])
        except ValidationError as exc:
            raise CommandError("client not registered:\n  " + "\n  ".join(exc.messages)) from exc
        self.stdout.write(f"client_id: {client.client_id}")
        self.stdout.write(f"client_secret: {client.client_secret}")
        self.stdout.write(
            self.style.WARNING("Only a hash of the secret is stored: hand it to the system's operators now.")
        )
