"""In and Out schemas of the e-services API, and the item definition that import, export and the
demo data share."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from ninja import Field, Schema
from pydantic import model_validator

from shuzheng.eservices.choices import (
    CaseStatus,
    CaseType,
    ItemKind,
    MaterialForm,
    MaterialSource,
    RatingDimension,
    RectificationStatus,
    RiskDomain,
    ServiceObject,
    Stage,
)

CODE = r"^[a-z][a-z0-9_]{0,39}$"


class MaterialDef(Schema):
    code: str = Field(pattern=CODE, description="材料在本事项内的标识，表单上传时用")
    name: str = Field(min_length=2, max_length=200)
    required: bool = True
    form: MaterialForm = MaterialForm.ELECTRONIC
    copies: int = Field(1, ge=0, le=20)
    source: MaterialSource = MaterialSource.APPLICANT
    standard: str = Field("", max_length=1000, description="受理标准")
    note: str = Field("", max_length=1000, description="填报说明")


class FeeDef(Schema):
    name: str = Field(min_length=2, max_length=200)
    standard: str = Field(min_length=1, max_length=500, description="收费标准")
    basis: str = Field(min_length=2, max_length=1000, description="收费依据")


class StepDef(Schema):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=2, max_length=40)
    stage: Stage


class FaqDef(Schema):
    question: str = Field(min_length=2, max_length=500)
    answer: str = Field(min_length=2, max_length=4000)


class LayoutDef(Schema):
    field: str = Field(pattern=CODE)
    widget: Literal["text", "textarea", "number", "date", "select", "radio", "checkbox", "mobile", "id_number"] = "text"
    help: str = Field("", max_length=500)


class FormDef(Schema):
    schema_: dict[str, Any] = Field(alias="schema", description="JSON Schema (2020-12)，type 为 object")
    layout: list[LayoutDef] = Field(
        default_factory=list, description="字段顺序和控件；未列出的字段按 schema 顺序排在后面"
    )

    @model_validator(mode="after")
    def _valid_schema(self) -> FormDef:
        try:
            Draft202012Validator.check_schema(self.schema_)
        except SchemaError as error:
            raise ValueError(f"表单定义不是有效的 JSON Schema：{error.message}") from error
        if self.schema_.get("type") != "object":
            raise ValueError("表单定义的 JSON Schema 须为 object")
        unknown = {row.field for row in self.layout} - set(self.schema_.get("properties", {}))
        if unknown:
            raise ValueError(f"布局中的字段不在表单中：{', '.join(sorted(unknown))}")
        return self


class PledgeDef(Schema):
    text: str = Field(min_length=20, max_length=8000, description="承诺书全文：证明义务、证明内容和虚假承诺的责任")
    materials: list[str] = Field(min_length=1, description="以承诺代替的材料标识")


class ItemDef(Schema):
    """One service item (事项) in one implementing body, as drafted, imported and exported."""

    basic_code: str = Field(min_length=12, max_length=12, description="基本编码（12位）")
    implementation_code: str = Field(
        "", max_length=36, description="实施编码（36位）；导入时可留空，由实施主体和区划生成"
    )
    handling_code: str = Field("", max_length=50, description="业务办理项编码")
    name: str = Field(min_length=2, max_length=200)
    kind: ItemKind
    department: str = Field(min_length=2, max_length=128, description="实施主体（部门全称）")
    region: str = Field(pattern=r"^\d{6}$", description="实施主体所在行政区划")
    service_object: ServiceObject
    legal_basis: str = Field(min_length=2, max_length=8000, description="设定依据")
    conditions: str = Field(min_length=2, max_length=8000, description="受理条件")
    legal_days: int = Field(ge=0, le=365, description="法定办结时限（工作日）")
    promised_days: int = Field(ge=0, le=365, description="承诺办结时限（工作日）")
    case_type: CaseType
    max_visits: int = Field(ge=0, le=1, description="到办事现场次数（最多跑一次：0 或 1）")
    visit_reason: str = Field("", max_length=1000, description="必须到现场办理的原因")
    online_depth: str = Field(min_length=1, max_length=8, description="网上办理深度（代码见设置）")
    result_name: str = Field("", max_length=200, description="审批结果名称，如营业执照")
    fees: list[FeeDef] = Field(default_factory=list, description="收费项目；为空即不收费")
    risk_domains: list[RiskDomain] = Field(default_factory=list, description="涉及的公共安全等领域：不得告知承诺")
    materials: list[MaterialDef] = Field(default_factory=list)
    steps: list[StepDef] = Field(min_length=1)
    faqs: list[FaqDef] = Field(default_factory=list)
    form: FormDef
    pledge: PledgeDef | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ItemDef:
        errors = []
        if self.legal_days and self.promised_days > self.legal_days:
            errors.append("承诺时限不得长于法定时限")
        if self.case_type == CaseType.INSTANT and self.promised_days:
            errors.append("即办件的承诺时限为 0")
        if self.max_visits and not self.visit_reason:
            errors.append("需要到现场的事项须说明原因")
        if self.steps[0].stage != Stage.ACCEPT:
            errors.append("第一个环节须为受理")
        for name, codes in (("材料", [m.code for m in self.materials]), ("环节", [s.code for s in self.steps])):
            if len(codes) != len(set(codes)):
                errors.append(f"{name}标识重复")
        if self.pledge is not None:
            if self.risk_domains:
                errors.append("涉及公共安全、金融安全、生态环境和人身健康生命财产安全的事项不得告知承诺")
            unknown = set(self.pledge.materials) - {m.code for m in self.materials}
            if unknown:
                errors.append(f"承诺代替的材料不在材料清单中：{', '.join(sorted(unknown))}")
        if errors:
            raise ValueError("；".join(errors))
        return self


# --- the API --------------------------------------------------------------------------------


class ItemSummaryOut(Schema):
    implementation_code: str
    basic_code: str
    name: str
    kind: str
    service_object: str
    department: str = Field(alias="department.name")
    region: str = Field(alias="region_id")


class ItemGuideOut(ItemSummaryOut):
    version: int = Field(alias="published.number")
    definition: dict[str, Any] = Field(alias="published.definition", description="事项要素，格式同导入")


class ItemQuery(Schema):
    search: str = Field("", max_length=50, description="事项或部门名称中的文字")
    region: str = Field("", pattern=r"^(\d{6})?$", description="申请人所在行政区划：每个事项只列本地的实施")


class CaseQuery(Schema):
    status: CaseStatus | None = None


class ImportOut(Schema):
    drafts: int


class CaseIn(Schema):
    item: str = Field(min_length=1, max_length=36, description="事项的实施编码")
    data: dict[str, Any] = Field(default_factory=dict, description="申请表，按事项表单定义填写")
    legal_person: str = Field("", max_length=18, description="以单位名义申请时，单位的统一社会信用代码")
    pledge: bool = Field(False, description="以告知承诺代替部分证明材料（事项允许时）")
    submit: bool = Field(True, description="false：仅保存草稿，上传材料后再提交")


class MaterialOut(Schema):
    uid: uuid.UUID
    material: str
    name: str
    kind: str
    size: int
    uploaded_at: datetime.datetime


class EventOut(Schema):
    at: datetime.datetime
    action: str
    step_from: str
    step_to: str
    status_to: str
    note: str


class CaseSummaryOut(Schema):
    uid: uuid.UUID
    number: str | None
    item: str = Field(alias="item.implementation_code")
    item_name: str = Field(alias="item.name")
    organisation: str = Field(alias="organisation.name")
    status: str
    step: str
    revision: int
    pledged: bool
    submitted_at: datetime.datetime | None
    promised_due: datetime.date | None
    legal_due: datetime.date | None


class CaseOut(CaseSummaryOut):
    data: dict[str, Any]
    accepted_on: datetime.date | None
    finished_at: datetime.datetime | None
    result: str
    actions: list[str] = Field(alias="open_actions", description="当前调用者此时可以进行的办理动作")
    materials: list[MaterialOut] = Field(alias="current_materials")
    events: list[EventOut] = Field(alias="history")


class ActionIn(Schema):
    action: str = Field(max_length=24, description="accept, correction_request, correction_submit, approve, reject, …")
    revision: int = Field(ge=1, description="调用者看到的办件修订号；他人已先行办理时返回 409")
    note: str = Field("", max_length=4000, description="意见或理由（补正、不予通过、退回、转办、特别程序须填写）")
    kind: str = Field("", max_length=24, description="特别程序的种类（suspend 时）")
    organisation: int | None = Field(None, description="转办的目标部门（transfer 时）")
    data: dict[str, Any] | None = Field(None, description="补正后的申请表（correction_submit 时，可选）")


class VersionOut(Schema):
    number: int
    status: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    published_at: datetime.datetime | None
    review_note: str


class ReviewIn(Schema):
    approve: bool = Field(description="true：发布；false：退回修改（须写明意见）")
    note: str = Field("", max_length=4000)


class RectificationOut(Schema):
    status: str
    due: datetime.date
    called_back_at: datetime.datetime | None
    result: str


class RatingIn(Schema):
    level: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意；2 及以下为差评，须写明原因")
    dimensions: dict[RatingDimension, int] = Field(
        default_factory=dict, description="分项评价：办事效率、办事指南精确度、办事便捷度、平台操作性，各 1–5"
    )
    text: str = Field("", max_length=1000)


class RatingOut(Schema):
    level: int
    dimensions: dict[str, int]
    text: str
    created_at: datetime.datetime
    rectification: RectificationOut | None = None

    @staticmethod
    def resolve_rectification(rating: Any) -> Any:
        return getattr(rating, "rectification", None)


class StatisticsQuery(Schema):
    by: Literal["organisation", "item", "region", "official"] = "organisation"
    since: datetime.date | None = None


class StatisticsOut(Schema):
    name: str
    total: int
    bad: int
    satisfaction: float | None = Field(description="满意率：基本满意及以上所占比例")
    level_5: int
    level_4: int
    level_3: int
    level_2: int
    level_1: int


class RectificationHandleOut(Schema):
    """A bad rating as the handling department and the reviewer see it."""

    id: int
    case: str | None = Field(alias="rating.case.number")
    case_uid: uuid.UUID = Field(alias="rating.case.uid")
    item: str = Field(alias="rating.case.item.name")
    level: int = Field(alias="rating.level")
    text: str = Field(alias="rating.text")
    status: RectificationStatus
    due: datetime.date
    called_back_at: datetime.datetime | None
    callback_note: str
    result: str
    appeal_reason: str
    appeal_note: str


class RectificationQuery(Schema):
    status: RectificationStatus | None = None


# Some text that is not only spaces: a blank note is refused as `note`, not by the service under
# its own name for it (result, reason).
NOTE = Field(min_length=1, max_length=4000, pattern=r"\S")


class NoteIn(Schema):
    note: str = NOTE


class AppealReviewIn(Schema):
    upheld: bool = Field(description="true：申诉成立，该评价不计入统计；false：驳回，部门须整改")
    note: str = NOTE


class CommitmentOut(Schema):
    id: int
    case: str | None = Field(alias="case.number")
    item: str = Field(alias="case.item.name")
    status: str
    signed_at: datetime.datetime
    verify_due: datetime.date
    correction_due: datetime.date | None
    note: str


class CheckIn(Schema):
    passed: bool = Field(description="承诺是否属实；不属实先限期整改，整改后仍不属实则撤销审批决定")
    note: str = Field(min_length=1, max_length=4000)
