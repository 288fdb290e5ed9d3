from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The rule families (quality/rules/*.py); a new family is a new file and a line here.
RULE_MODULES = ("completeness", "validity", "identifiers", "uniqueness", "consistency", "referential", "timeliness")


class QualityConfig(AppConfig):
    name = "shuzheng.quality"
    label = "quality"
    verbose_name = _("数据质量")

    def ready(self) -> None:
        from shuzheng.accounts import services as accounts
        from shuzheng.core import demo
        from shuzheng.ingest import services as ingest
        from shuzheng.quality import services
        from shuzheng.quality.demo import demo_seed
        from shuzheng.quality.models import QualityRule, Ticket

        for module in RULE_MODULES:
            import_module(f"shuzheng.quality.rules.{module}")
        accounts.action_register(services.EDIT, _("维护本部门数据资源的质量规则"))
        accounts.policy_register(
            QualityRule,
            accounts.Policy(organisation="dataset__organisation", organisation_actions=frozenset({services.EDIT})),
        )
        accounts.action_register(services.VIEW, _("查看本部门的数据质量评分卡、问题数据和问题工单"))
        accounts.action_register(services.HANDLE, _("处理本部门的数据质量问题工单（确认、整改、提出异议）"))
        accounts.action_register(services.OVERSEE, _("督办各部门的数据质量：查看评分卡和问题工单，裁决异议"))
        accounts.policy_register(
            Ticket,
            accounts.Policy(
                organisation="organisation",
                region="organisation__region",
                organisation_actions=frozenset({services.VIEW, services.HANDLE}),
            ),
        )
        demo.register("quality.checks", demo_seed)
        ingest.run_succeeded.connect(services.quality_check_after_load, dispatch_uid="quality.check_after_load")
