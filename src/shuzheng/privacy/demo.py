"""The demo province's personal data: the restricted register of individual businesses classified
from its rows, so that the catalogue shows which of its fields hold personal data and the opening
policy masks them by kind.

Idempotent: a dataset already classified is left as it is.
"""

from __future__ import annotations

from shuzheng.catalog.selectors import datasets_with_codes
from shuzheng.privacy import services
from shuzheng.privacy.models import FieldProposal

DATASETS = ("330100-000003",)  # 个体工商户登记信息, 杭州市市场监督管理局 (restricted, 120 rows)


def demo_seed() -> int:
    changed = 0
    for dataset in datasets_with_codes(codes=list(DATASETS)):
        if not FieldProposal.objects.filter(dataset=dataset).exists():
            services.dataset_classify(user=None, dataset=dataset)
            changed += 1
    return changed
