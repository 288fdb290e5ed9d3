from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shuzheng.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from shuzheng.core import checks  # noqa: F401  (registers system checks)
        from shuzheng.core.audit import audit_admin_change

        post_save.connect(audit_admin_change, sender=LogEntry, dispatch_uid="shuzheng.audit.admin")
