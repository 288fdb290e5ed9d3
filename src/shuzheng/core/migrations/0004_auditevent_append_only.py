"""Make the audit trail append-only in the database itself, on SQLite and PostgreSQL.

UPDATE of a record always fails; DELETE fails for a record younger than 185
days. The 185 days are written into the triggers rather than read from
``SHUZHENG_AUDIT_RETENTION_DAYS``: settings.py never lets the setting go below
185 (MLPS level 3 asks for six months), so the floor is the one value the
database can hold without going stale when the setting changes. A longer
configured retention is enforced by ``audit_purge``.

Both databases raise an integrity error (SQLSTATE 23001 on PostgreSQL, a
constraint failure on SQLite), so the ORM reports an IntegrityError.

On SQLite, a later migration that alters this table rebuilds it (create, copy,
drop, rename) and loses the triggers: such a migration must install them again.
PostgreSQL's TRUNCATE fires no row triggers; ``flush`` relies on that, and the
platform's database role should not hold the TRUNCATE privilege in production.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

POSTGRESQL_INSTALL = [
    """
    CREATE FUNCTION core_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'audit records cannot be changed (record %)', OLD.seq
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD."at" > now() - interval '185 days' THEN
            RAISE EXCEPTION 'audit records younger than 185 days cannot be deleted (record %)', OLD.seq
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END
    $$
    """,
    """
    CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()
    """,
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]

# Django stores SQLite datetimes as UTC text ("2026-11-28 16:29:00.123456"),
# which julianday() reads; 'now' is UTC too.
SQLITE_INSTALL = [
    """
    CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'audit records cannot be changed');
    END
    """,
    """
    CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    WHEN julianday(OLD."at") > julianday('now', '-185 days')
    BEGIN
        SELECT RAISE(ABORT, 'audit records younger than 185 days cannot be deleted');
    END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise NotImplementedError(
            f"no append-only triggers for {vendor}: the audit trail supports SQLite and PostgreSQL"
        )
    for sql in statements[vendor]:
        # params=None: the SQL holds a literal % that must not be read as a placeholder.
        schema_editor.execute(sql, params=None)


def install(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL})


def remove(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL_REMOVE, "sqlite": SQLITE_REMOVE})


class Migration(migrations.Migration):
    dependencies = [("core", "0003_auditevent")]

    operations = [migrations.RunPython(install, remove)]
