from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "shuzheng.opendata"
    label = "opendata"
    verbose_name = _("数据开放")

    def ready(self) -> None:
        from shuzheng.accounts import services as accounts
        from shuzheng.core import demo
        from shuzheng.opendata import services
        from shuzheng.opendata.demo import demo_seed
        from shuzheng.opendata.models import AccessApplication

        accounts.action_register(services.VIEW, _("查看本部门数据的受限开放申请"))
        accounts.action_register(services.DECIDE, _("审核本部门数据的受限开放申请"))
        accounts.policy_register(
            AccessApplication,
            accounts.Policy(
                owner="applicant",
                organisation="organisation",
                owner_actions=frozenset({services.VIEW}),
                organisation_actions=frozenset({services.VIEW, services.DECIDE}),
            ),
        )
        accounts.api_scope_register(services.SCOPE, _("调用开放数据接口（更高的调用频率、已获批的受限开放数据）"))
        demo.register("opendata.applications", demo_seed)
