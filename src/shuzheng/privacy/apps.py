from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The personal-data detectors (privacy/detectors/*.py); a new kind is a new file and a line here.
DETECTOR_MODULES = (
    "resident_id",
    "uscc",
    "org_code",
    "phone",
    "email",
    "bank_card",
    "travel_documents",
    "plate",
    "ip",
    "person_name",
    "address",
)


class PrivacyConfig(AppConfig):
    name = "shuzheng.privacy"
    label = "privacy"
    verbose_name = _("数据安全")

    def ready(self) -> None:
        from shuzheng.accounts import services as accounts
        from shuzheng.catalog import services as catalog
        from shuzheng.core import demo
        from shuzheng.privacy.api import SCOPE
        from shuzheng.privacy.demo import demo_seed
        from shuzheng.privacy.selectors import POLICY_EDIT
        from shuzheng.privacy.views import dataset_privacy_panel

        for module in DETECTOR_MODULES:
            import_module(f"shuzheng.privacy.detectors.{module}")
        accounts.action_register(POLICY_EDIT, _("维护个人信息脱敏策略（按渠道、用途和安全级别）"))
        accounts.api_scope_register(SCOPE, _("调用个人信息识别和脱敏接口"))
        catalog.dataset_panel_register("privacy.personal_data", dataset_privacy_panel)
        demo.register("privacy.classification", demo_seed)
