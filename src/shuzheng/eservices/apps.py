from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EservicesConfig(AppConfig):
    name = "shuzheng.eservices"
    label = "eservices"
    verbose_name = _("一网通办")

    def ready(self) -> None:
        from shuzheng.accounts import services as accounts
        from shuzheng.core import demo
        from shuzheng.eservices import selectors
        from shuzheng.eservices.choices import Stage
        from shuzheng.eservices.demo import demo_cases_seed, demo_seed
        from shuzheng.eservices.models import Case, Commitment, Rating, Rectification

        accounts.action_register(selectors.ITEM_EDIT, _("编制本部门的政务服务事项"))
        accounts.action_register(selectors.ITEM_REVIEW, _("审核发布本部门的政务服务事项"))
        accounts.action_register(selectors.CASE_VIEW, _("查看本部门的办件"))
        accounts.action_register(selectors.CASE_SUPERVISE, _("督办本地区的超期办件"))
        names = {
            Stage.ACCEPT: _("受理本部门的办件（含要求补正、不予受理、转办）"),
            Stage.REVIEW: _("审查本部门的办件"),
            Stage.DECIDE: _("对本部门的办件作出决定"),
            Stage.DELIVER: _("办结送达本部门的办件"),
        }
        for stage, action in selectors.STAGE_ACTIONS.items():
            accounts.action_register(action, names[stage])
        # A department's cases are its own: its officials act on them with their roles, whoever
        # else holds the same role in the city. Supervisors look across their region.
        accounts.policy_register(
            Case,
            accounts.Policy(
                organisation="organisation",
                region="region",
                organisation_actions=frozenset({selectors.CASE_VIEW, *selectors.STAGE_ACTIONS.values()}),
            ),
        )
        accounts.action_register(selectors.RATING_HANDLE, _("回访、整改本部门办件的差评，提出申诉"))
        accounts.action_register(selectors.RATING_REVIEW, _("复核本地区对差评的申诉，查看评价统计"))
        accounts.policy_register(
            Rectification,
            accounts.Policy(
                organisation="organisation",
                region="region",
                organisation_actions=frozenset({selectors.RATING_HANDLE}),
            ),
        )
        accounts.policy_register(Rating, accounts.Policy(region="region"))
        accounts.action_register(selectors.PLEDGE_VERIFY, _("核查本部门告知承诺办件的承诺内容"))
        accounts.policy_register(
            Commitment,
            accounts.Policy(
                organisation="organisation",
                region="region",
                organisation_actions=frozenset({selectors.PLEDGE_VERIFY}),
            ),
        )
        demo.register("eservices.items", demo_seed)
        demo.register("eservices.cases", demo_cases_seed)
