"""Fill the region table, so every database knows its province from the start."""

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def load_regions(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from shuzheng.core.services import regions_sync

    regions_sync(province=settings.SHUZHENG_PROVINCE, model=apps.get_model("core", "Region"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
