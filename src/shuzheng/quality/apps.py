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
        from shuzheng.quality import services
        from shuzheng.quality.models import QualityRule

        for module in RULE_MODULES:
            import_module(f"shuzheng.quality.rules.{module}")
        accounts.action_register(services.EDIT, _("维护本部门数据资源的质量规则"))
        accounts.policy_register(
            QualityRule,
            accounts.Policy(organisation="dataset__organisation", organisation_actions=frozenset({services.EDIT})),
        )
