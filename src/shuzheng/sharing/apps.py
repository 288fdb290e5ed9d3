from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "shuzheng.sharing"
    label = "sharing"
    verbose_name = _("数据共享")

    def ready(self) -> None:
        from shuzheng.accounts import services as accounts
        from shuzheng.catalog import services as catalog
        from shuzheng.core import demo
        from shuzheng.sharing import services
        from shuzheng.sharing.demo import demo_seed
        from shuzheng.sharing.models import CallRecord, Grant, ShareRequest
        from shuzheng.sharing.views import dataset_sharing_panel

        accounts.action_register(services.SUBMIT, _("为本部门申请共享其他部门的数据"))
        accounts.action_register(services.DECIDE, _("审核本部门数据的共享申请，管理授权"))
        accounts.action_register(services.LOG_VIEW, _("查看本部门数据被调用和本部门调用他部门数据的记录"))
        accounts.action_register(services.CHECK, _("平台审核共享申请，督办逾期申请，处理数据使用异议，核验调用记录"))
        # The owning department answers; the data authority of the consumer's region checks, as a
        # city's departments ask for provincial data through their city's platform.
        provider = accounts.Policy(
            organisation="provider", region="consumer__region", organisation_actions=frozenset({services.DECIDE})
        )
        accounts.policy_register(ShareRequest, provider)
        accounts.policy_register(Grant, provider)
        accounts.policy_register(
            CallRecord,
            accounts.Policy(
                organisation="provider", region="consumer__region", organisation_actions=frozenset({services.LOG_VIEW})
            ),
        )
        catalog.dataset_panel_register("sharing.request", dataset_sharing_panel)
        demo.register("sharing.verification", demo_seed)
        accounts.api_scope_register(services.SCOPE, _("调用数据共享接口（按键查询、批量查询、条件查询、核验）"))
