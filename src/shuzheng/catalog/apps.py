from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "shuzheng.catalog"
    label = "catalog"
    verbose_name = _("公共数据目录")

    def ready(self) -> None:
        from shuzheng.accounts import services as accounts
        from shuzheng.catalog import services
        from shuzheng.catalog.demo import demo_seed
        from shuzheng.catalog.models import Dataset
        from shuzheng.core import demo

        accounts.action_register(services.VIEW, _("查看本部门的数据目录草稿"))
        accounts.action_register(services.EDIT, _("编制本部门的数据目录"))
        accounts.action_register(services.REVIEW, _("审核发布本部门的数据目录"))
        accounts.policy_register(
            Dataset,
            accounts.Policy(
                organisation="organisation",
                organisation_actions=frozenset({services.VIEW, services.EDIT, services.REVIEW}),
            ),
        )
        demo.register("catalog.datasets", demo_seed)
