"""Writes of the e-services app, one module per subject; other apps and the app's own views call
them through this package.

- ``items``: service items and their versions — draft, review, publish, import;
- ``cases``: drafts, materials and submission (idempotent), and the workflow engine;
- ``pledges``: 告知承诺, the check of a promise after the approval it earned at once;
- ``ratings``: 好差评 and the rectification of bad ratings.
"""

from shuzheng.eservices.services.cases import (
    TRANSITIONS,
    Transition,
    case_act,
    case_actions_open,
    case_draft_discard,
    case_draft_save,
    case_draft_submit,
    case_read_record,
    case_submit,
    cases_remind,
    form_errors,
    material_attach,
    material_open,
)
from shuzheng.eservices.services.items import (
    item_definition_parse,
    item_draft_save,
    items_import,
    version_publish_unreviewed,
    version_review,
    version_submit,
)
from shuzheng.eservices.services.pledges import commitment_broken, commitment_check
from shuzheng.eservices.services.ratings import (
    RATEABLE,
    appeal_decide,
    rating_give,
    rectification_appeal,
    rectification_callback,
    rectification_complete,
)

__all__ = [
    "RATEABLE",
    "TRANSITIONS",
    "Transition",
    "appeal_decide",
    "case_act",
    "case_actions_open",
    "case_draft_discard",
    "case_draft_save",
    "case_draft_submit",
    "case_read_record",
    "case_submit",
    "cases_remind",
    "commitment_broken",
    "commitment_check",
    "form_errors",
    "item_definition_parse",
    "item_draft_save",
    "items_import",
    "material_attach",
    "material_open",
    "rating_give",
    "rectification_appeal",
    "rectification_callback",
    "rectification_complete",
    "version_publish_unreviewed",
    "version_review",
    "version_submit",
]
