from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The kinds of source (ingest/sources/*.py); a new kind is a new file and a line here.
SOURCE_MODULES = ("files", "database", "http", "dataset")


class IngestConfig(AppConfig):
    name = "shuzheng.ingest"
    label = "ingest"
    verbose_name = _("数据归集")

    def ready(self) -> None:
        from shuzheng.accounts import services as accounts
        from shuzheng.catalog import services as catalog
        from shuzheng.core import demo
        from shuzheng.ingest import services
        from shuzheng.ingest.demo import demo_seed
        from shuzheng.ingest.models import Pipeline, Source
        from shuzheng.ingest.views import dataset_lineage_panel

        for module in SOURCE_MODULES:
            import_module(f"shuzheng.ingest.sources.{module}")
        accounts.action_register(services.RUN, _("运行本部门的归集任务"))
        accounts.action_register(services.EDIT, _("维护本部门的数据源和归集任务"))
        actions = frozenset({services.RUN, services.EDIT})
        accounts.policy_register(Source, accounts.Policy(organisation="organisation", organisation_actions=actions))
        accounts.policy_register(
            Pipeline, accounts.Policy(organisation="dataset__organisation", organisation_actions=actions)
        )
        demo.register("ingest.pipelines", demo_seed)
        catalog.dataset_panel_register("ingest.lineage", dataset_lineage_panel)
