from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shuzheng.accounts"
    label = "accounts"
    verbose_name = _("用户中心")

    def ready(self) -> None:
        from shuzheng.accounts.services import demo_personas_seed
        from shuzheng.core import demo

        demo.register("accounts.personas", demo_personas_seed)
