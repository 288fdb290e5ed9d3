from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    """事项类型. The national exchange codes of these kinds are not verified (domain.md §1), so the
    values are our own slugs and the codes stay out of the model."""

    PERMIT = "permit", _("行政许可")
    PAYMENT = "payment", _("行政给付")
    CONFIRMATION = "confirmation", _("行政确认")
    LEVY = "levy", _("行政征收")
    REWARD = "reward", _("行政奖励")
    ADJUDICATION = "adjudication", _("行政裁决")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class ServiceObject(models.TextChoices):
    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人")
    BOTH = "both", _("自然人和法人")


class CaseType(models.TextChoices):
    INSTANT = "instant", _("即办件")
    PROMISED = "promised", _("承诺件")


class RiskDomain(models.TextChoices):
    """Domains in which approval on pledge (告知承诺) is never allowed (最多跑一次规定 art. 14)."""

    PUBLIC_SAFETY = "public_safety", _("公共安全")
    FINANCIAL_SECURITY = "financial_security", _("金融安全")
    ECOLOGY = "ecology", _("生态环境")
    HEALTH_LIFE = "health_life", _("人身健康生命财产安全")


class MaterialForm(models.TextChoices):
    ELECTRONIC = "electronic", _("电子材料")
    ORIGINAL = "original", _("纸质原件")
    COPY = "copy", _("纸质复印件")


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", _("申请人自备")
    # Held by the public data platform: fetched through sharing, never asked of the applicant.
    GOVERNMENT = "government", _("政府部门核发（免提交）")
    INTERMEDIARY = "intermediary", _("中介机构出具")
    OTHER = "other", _("其他")


class Stage(models.TextChoices):
    """The kind of a workflow step; each needs the role action ``eservices.case.<stage>``."""

    ACCEPT = "accept", _("受理")
    REVIEW = "review", _("审查")
    DECIDE = "decide", _("决定")
    DELIVER = "deliver", _("办结送达")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEW = "review", _("待审核")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待受理")
    CORRECTION = "correction", _("待补正")
    PROCESSING = "processing", _("办理中")
    SUSPENDED = "suspended", _("特别程序中")
    COMPLETED = "completed", _("已办结")
    REJECTED = "rejected", _("不予受理或不予许可")
    WITHDRAWN = "withdrawn", _("已撤回")
    REVOKED = "revoked", _("已撤销")


class CaseAction(models.TextChoices):
    """What happened to a case; each is one transition in its history."""

    SAVE = "save", _("保存草稿")
    SUBMIT = "submit", _("提交申请")
    ACCEPT = "accept", _("受理")
    CORRECTION_REQUEST = "correction_request", _("要求补正")
    CORRECTION_SUBMIT = "correction_submit", _("提交补正")
    APPROVE = "approve", _("通过")
    REJECT = "reject", _("不予通过")
    RETURN = "return", _("退回上一环节")
    TRANSFER = "transfer", _("转办")
    SUSPEND = "suspend", _("启动特别程序")
    RESUME = "resume", _("特别程序结束")
    WITHDRAW = "withdraw", _("撤回申请")
    REVOKE = "revoke", _("撤销")


class SuspensionKind(models.TextChoices):
    """Periods the law does not count towards the time limit (行政许可法 art. 45)."""

    HEARING = "hearing", _("听证")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    TESTING = "testing", _("检验、检测、检疫")
    APPRAISAL = "appraisal", _("鉴定")
    ON_SITE = "on_site", _("现场勘验")
    PUBLIC_NOTICE = "public_notice", _("公示")


class DeadlineWarning(models.TextChoices):
    NONE = "", _("正常")
    YELLOW = "yellow", _("临近期限")
    RED = "red", _("已超期")


class RatingLevel(models.IntegerChoices):
    """好差评's five levels (GB/T 39734); 不满意 and 非常不满意 are a bad rating (差评)."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASICALLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


BAD_RATING = RatingLevel.DISSATISFIED


class RatingDimension(models.TextChoices):
    """The indicators an online rating scores beside overall satisfaction."""

    EFFICIENCY = "efficiency", _("办事效率")
    GUIDE = "guide", _("办事指南精确度")
    CONVENIENCE = "convenience", _("办事便捷度")
    USABILITY = "usability", _("平台操作性")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    DONE = "done", _("已整改")
    APPEALED = "appealed", _("申诉中")
    UPHELD = "upheld", _("申诉成立")


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", _("待核查")
    VERIFIED = "verified", _("核查属实")
    CORRECTION = "correction", _("限期整改")
    REVOKED = "revoked", _("虚假承诺，已撤销")
