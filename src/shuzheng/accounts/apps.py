from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shuzheng.accounts"
    label = "accounts"
    verbose_name = _("用户中心")

    def ready(self) -> None:
        from shuzheng.accounts import services
        from shuzheng.accounts.demo import demo_seed
        from shuzheng.accounts.models import ApiToken, LegalPerson
        from shuzheng.accounts.policies import Policy
        from shuzheng.core import demo

        services.action_register("accounts.legalperson.view", _("查看法人信息"))
        services.action_register("accounts.apitoken.revoke", _("撤销接口令牌"))
        services.policy_register(
            LegalPerson,
            Policy(legal_person=".", region="region", owner_actions=frozenset({"accounts.legalperson.view"})),
        )
        services.policy_register(ApiToken, Policy(owner="user", owner_actions=frozenset({"accounts.apitoken.revoke"})))
        demo.register("accounts.people", demo_seed)
