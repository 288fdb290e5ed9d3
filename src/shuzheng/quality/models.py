from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzheng.quality.choices import RunStatus, Severity


class QualityRule(models.Model):
    """One rule declared on a dataset: a registered rule type, the fields it reads, its parameters."""

    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.CASCADE, related_name="quality_rules"
    )
    rule_type = models.CharField(_("规则类型"), max_length=32)
    fields = models.JSONField(_("字段"), default=list)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "质量规则")
        verbose_name_plural = pgettext_lazy("models", "质量规则")
        ordering = ["dataset", "pk"]

    def __str__(self) -> str:
        return f"{self.rule_type}({', '.join(self.fields)})"


class CheckRun(models.Model):
    """One check of a dataset's rules: how many rows, how it scored, when."""

    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.CASCADE, related_name="quality_runs"
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices)
    rows = models.BigIntegerField(_("记录数"), default=0)
    score = models.DecimalField(_("质量得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "质量检查")
        verbose_name_plural = pgettext_lazy("models", "质量检查")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["dataset", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.started_at:%Y-%m-%d %H:%M}"


class RuleResult(models.Model):
    """What one rule found in one check."""

    run = models.ForeignKey(CheckRun, verbose_name=_("质量检查"), on_delete=models.CASCADE, related_name="results")
    rule = models.ForeignKey(QualityRule, verbose_name=_("质量规则"), on_delete=models.CASCADE, related_name="results")
    failed = models.BigIntegerField(_("不通过数"))
    sample = models.JSONField(_("样例"), default=list)

    class Meta:
        verbose_name = pgettext_lazy("model", "规则检查结果")
        verbose_name_plural = pgettext_lazy("models", "规则检查结果")
        constraints = [models.UniqueConstraint(fields=["run", "rule"], name="rule_result_unique")]

    def __str__(self) -> str:
        return f"{self.rule} {self.failed}"
