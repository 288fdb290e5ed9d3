"""On PostgreSQL, take the audit chain's lock and read its head in one round trip.

Every audited write appends to the chain: it must hold the chain's advisory lock while it reads
the newest record, so that two writers never take the same predecessor. Two statements from the
application cost two round trips on every write; this function does both inside the database.
Its second statement sees a snapshot taken after the lock is held (each statement of a VOLATILE
PL/pgSQL function takes its own in READ COMMITTED), so it reads the head the previous holder
committed. SQLite needs nothing: its IMMEDIATE transactions hold the one write lock already.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

INSTALL = """
CREATE FUNCTION core_auditevent_chain_head(lock_key bigint) RETURNS TABLE (seq bigint, hash text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT e.seq::bigint, e.hash::text FROM core_auditevent e ORDER BY e.seq DESC LIMIT 1;
END
$$
"""
REMOVE = "DROP FUNCTION IF EXISTS core_auditevent_chain_head(bigint)"


def install(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL)


def remove(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_message")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
