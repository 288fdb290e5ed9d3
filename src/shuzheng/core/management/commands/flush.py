"""`shuzheng flush`: Django's flush, which on SQLite lifts the audit trail's triggers while it empties the tables.

Flush empties every table. PostgreSQL does it with TRUNCATE, which row
triggers do not see; SQLite deletes row by row, and the trigger that keeps
young audit records would refuse. Emptying the whole database is an operator's
act (and the teardown of every transactional test), not the application
deleting evidence: the triggers are dropped, and put back exactly as the
migrations wrote them, inside one transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from shuzheng.core.models import AuditEvent


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        connection = connections[database]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [AuditEvent._meta.db_table],
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            super().handle(**options)
            for _name, sql in triggers:
                cursor.execute(sql)
