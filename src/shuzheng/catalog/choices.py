"""The catalog's enumerations: grades, sharing and open types, themes, frequencies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    """DB33/T 2350-2021 公共数据分级 (L4 most sensitive)."""

    L1 = "L1", _("L1 不敏感")
    L2 = "L2", _("L2 低敏感")
    L3 = "L3", _("L3 较敏感")
    L4 = "L4", _("L4 敏感")


class NationalLevel(models.TextChoices):
    """GB/T 43697-2024 数据分类分级: core > important > general."""

    GENERAL = "general", _("一般数据")
    IMPORTANT = "important", _("重要数据")
    CORE = "core", _("核心数据")


class ShareType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("无条件共享")
    CONDITIONAL = "conditional", _("有条件共享")
    NONE = "none", _("不予共享")


class OpenType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("无条件开放")
    RESTRICTED = "restricted", _("受限开放")
    NONE = "none", _("禁止开放")


# What each grade allows to be opened (DB33/T 2350): L1 may be opened freely,
# L2 and L3 only on application (受限开放), L4 never.
OPEN_TYPES_ALLOWED: dict[str, frozenset[str]] = {
    Grade.L1: frozenset({OpenType.UNCONDITIONAL, OpenType.RESTRICTED, OpenType.NONE}),
    Grade.L2: frozenset({OpenType.RESTRICTED, OpenType.NONE}),
    Grade.L3: frozenset({OpenType.RESTRICTED, OpenType.NONE}),
    Grade.L4: frozenset({OpenType.NONE}),
}


class DatasetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已发布")


class UpdateFrequency(models.TextChoices):
    REALTIME = "realtime", _("实时")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("每年")
    IRREGULAR = "irregular", _("不定期")


class Theme(models.TextChoices):
    """Themes of the province's open-data portal."""

    CREDIT = "credit", _("信用服务")
    HEALTH = "health", _("医疗卫生")
    SOCIAL_SECURITY = "social_security", _("社保就业")
    PUBLIC_SAFETY = "public_safety", _("公共安全")
    HOUSING = "housing", _("城建住房")
    TRANSPORT = "transport", _("交通出行")
    EDUCATION = "education", _("教育文化")
    SCIENCE = "science", _("科技创新")
    RESOURCES = "resources", _("资源能源")
    ENVIRONMENT = "environment", _("生态环境")
    AGRICULTURE = "agriculture", _("农业农村")
    MARKET = "market", _("市场监管")
    FINANCE = "finance", _("财税金融")
    CIVIL_AFFAIRS = "civil_affairs", _("民政服务")
    WATER = "water", _("水利气象")
    GOVERNMENT = "government", _("机构团体")


class FieldType(models.TextChoices):
    STRING = "string", _("字符串")
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数")
    DATE = "date", _("日期")
    DATETIME = "datetime", _("日期时间")
    BOOLEAN = "boolean", _("布尔")


class ResourceFormat(models.TextChoices):
    CSV = "CSV", "CSV"
    XLSX = "XLSX", "XLSX"
    JSON = "JSON", "JSON"
    API = "API", _("接口")
