"""The demo province's people and bodies: organisations, personas, 三员, roles, one company.

Idempotent (run by ``shuzheng seed-demo``). Personas share the password in
``SHUZHENG_DEMO_PASSWORD``; officials and administrators also get a TOTP
device whose secret README lists, derived from the username so that it is
the same in every demo database.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuzheng.accounts import services
from shuzheng.accounts.choices import AdministratorKind, OrganisationKind, UserKind
from shuzheng.accounts.identity import demo_residents
from shuzheng.accounts.models import Administrator, LegalPerson, Organisation, Role, RoleAssignment, User
from shuzheng.core.selectors import region_get

# (name, kind, region, parent name)
ORGANISATIONS = (
    ("浙江省人民政府", OrganisationKind.GOVERNMENT, "330000", None),
    ("浙江省大数据发展管理局", OrganisationKind.DEPARTMENT, "330000", "浙江省人民政府"),
    ("浙江省市场监督管理局", OrganisationKind.DEPARTMENT, "330000", "浙江省人民政府"),
    ("浙江省公安厅", OrganisationKind.DEPARTMENT, "330000", "浙江省人民政府"),
    ("杭州市人民政府", OrganisationKind.GOVERNMENT, "330100", "浙江省人民政府"),
    ("杭州市数据资源管理局", OrganisationKind.DEPARTMENT, "330100", "杭州市人民政府"),
    ("杭州市市场监督管理局", OrganisationKind.DEPARTMENT, "330100", "杭州市人民政府"),
    ("杭州市西湖区人民政府", OrganisationKind.GOVERNMENT, "330106", "杭州市人民政府"),
    ("杭州市西湖区市场监督管理局", OrganisationKind.DEPARTMENT, "330106", "杭州市西湖区人民政府"),
    ("杭州市西湖区西溪街道办事处", OrganisationKind.SUBDISTRICT, "330106", "杭州市西湖区人民政府"),
)

# The data officer's work in the catalogue and open data (actions those apps register).
DATA_OFFICER_ACTIONS = (
    "catalog.dataset.view",
    "catalog.dataset.edit",
    "catalog.dataset.review",
    "opendata.application.view",
    "opendata.application.decide",
    "ingest.pipeline.edit",
    "ingest.pipeline.run",
    "quality.scorecard.view",
    "quality.ticket.handle",
    "sharing.request.submit",
    "sharing.request.decide",
    "sharing.log.view",
)
# The data resources bureau's data officer also oversees every department's data quality and
# keeps the masking policies.
PLATFORM_DATA_OFFICER_ACTIONS = (
    *DATA_OFFICER_ACTIONS,
    "quality.governance.oversee",
    "privacy.policy.edit",
    "sharing.platform.check",
)

# A window officer of a small department handles a case from acceptance to delivery (一窗受理).
CLERK_ACTIONS = (
    "eservices.case.view",
    "eservices.case.accept",
    "eservices.case.review",
    "eservices.case.decide",
    "eservices.case.deliver",
    "eservices.item.edit",
    "eservices.pledge.verify",
    "eservices.rating.handle",
)

# (code, name, description, actions)
ROLES = (
    ("window_clerk", "窗口受理人员", "受理、审查本机构事项的办件，编制本机构的事项", CLERK_ACTIONS),
    (
        "service_manager",
        "事项管理员",
        "编制、审核发布本机构的政务服务事项",
        ("eservices.item.edit", "eservices.item.review"),
    ),
    ("data_officer", "数据管理员", "维护本部门的数据目录，审核共享和受限开放申请", DATA_OFFICER_ACTIONS),
    (
        "platform_data_officer",
        "平台数据管理员",
        "数据主管部门的数据管理员：维护本部门目录，督办各部门的数据质量问题，审核本地区的数据共享申请",
        PLATFORM_DATA_OFFICER_ACTIONS,
    ),
    ("inspector", "执法检查人员", "参加双随机抽查，录入检查结果", ()),
    ("grid_worker", "网格员", "采集、上报和处置网格事件", ()),
    (
        "leader",
        "领导",
        "查看驾驶舱和本地区的汇总情况，督办超期办件，复核差评申诉",
        ("eservices.case.supervise", "eservices.rating.review"),
    ),
)


@dataclass(frozen=True)
class Persona:
    username: str
    name: str
    kind: UserKind
    organisation: str | None = None
    role: str | None = None
    administrator: AdministratorKind | None = None
    resident: int | None = None  # index into the demo register (ID number, mobile)


PERSONAS = (
    Persona("citizen", "王晓梅", UserKind.NATURAL_PERSON, resident=0),
    Persona("enterprise", "陈建国", UserKind.LEGAL_PERSON, resident=1),
    Persona("clerk", "李娜", UserKind.OFFICIAL, "杭州市市场监督管理局", "window_clerk"),
    Persona("data_officer", "张伟", UserKind.OFFICIAL, "杭州市数据资源管理局", "platform_data_officer"),
    Persona("market_data", "钱立群", UserKind.OFFICIAL, "杭州市市场监督管理局", "data_officer"),
    Persona("police_data", "何静", UserKind.OFFICIAL, "浙江省公安厅", "data_officer"),
    Persona("inspector", "刘洋", UserKind.OFFICIAL, "杭州市西湖区市场监督管理局", "inspector"),
    Persona("grid_worker", "赵敏", UserKind.OFFICIAL, "杭州市西湖区西溪街道办事处", "grid_worker"),
    Persona("leader", "周正华", UserKind.OFFICIAL, "杭州市人民政府", "leader"),
    Persona("sysadmin", "孙浩", UserKind.OFFICIAL, "杭州市数据资源管理局", administrator=AdministratorKind.SYSTEM),
    Persona("secadmin", "吴婷", UserKind.OFFICIAL, "杭州市数据资源管理局", administrator=AdministratorKind.SECURITY),
    Persona("auditadmin", "郑磊", UserKind.OFFICIAL, "杭州市数据资源管理局", administrator=AdministratorKind.AUDIT),
)

# The demo company: a valid USCC of a Hangzhou enterprise (9 1 330100 …).
DEMO_COMPANY = ("91330100MA2H3X4Y6M", "杭州云栖数智科技有限公司")


def demo_totp_key(username: str) -> str:
    """The persona's TOTP secret as hex (20 bytes), the same in every demo database."""
    return hashlib.sha256(f"shuzheng demo totp {username}".encode()).hexdigest()[:40]


def demo_totp_base32(username: str) -> str:
    """The same secret as an authenticator app takes it."""
    return base64.b32encode(bytes.fromhex(demo_totp_key(username))).decode().rstrip("=")


@transaction.atomic
def demo_seed() -> int:
    """Create or correct the demo province's organisations, personas and their means of sign-in."""
    changed = 0
    organisations: dict[str, Organisation] = {}
    for name, kind, region, parent in ORGANISATIONS:
        before = Organisation.objects.filter(name=name, region_id=region).exists()
        organisations[name] = services.organisation_get_or_create(
            name=name, kind=kind, region=region_get(code=region), parent=organisations.get(parent or "")
        )
        changed += not before
    roles = {}
    for code, name, description, actions in ROLES:
        role, created = Role.objects.get_or_create(code=code, defaults={"name": name, "description": description})
        if role.actions != list(actions):
            role.actions = list(actions)
            role.save(update_fields=["actions"])
            changed += not created
        roles[code] = role
        changed += created
    for persona in PERSONAS:
        changed += _persona_seed(persona, organisations, roles)
    changed += _company_seed()
    return changed


def _persona_seed(persona: Persona, organisations: dict[str, Organisation], roles: dict[str, Role]) -> int:
    changed = 0
    user = User.objects.filter(username=persona.username).first() or User(username=persona.username)
    organisation = organisations[persona.organisation] if persona.organisation else None
    wanted: dict[str, object] = {
        "name": persona.name,
        "kind": persona.kind,
        "organisation": organisation,
        "is_active": True,
    }
    if persona.resident is not None:
        resident = demo_residents()[persona.resident]
        wanted["mobile"] = resident.mobile
        if not user.id_number_encrypted:
            wanted.update(services.id_number_fields(resident.id_number))
    dirty = user.pk is None or any(getattr(user, key) != value for key, value in wanted.items())
    for key, value in wanted.items():
        setattr(user, key, value)
    if not user.check_password(settings.SHUZHENG_DEMO_PASSWORD):
        user.set_password(settings.SHUZHENG_DEMO_PASSWORD)
        dirty = True
    if dirty:
        user.save()
        changed += 1
    if persona.administrator and not Administrator.objects.filter(user=user).exists():
        services.administrator_appoint(user=user, kind=persona.administrator, basis="演示数据")
        changed += 1
    if persona.role and organisation is not None:
        _, created = RoleAssignment.objects.get_or_create(
            user=user, role=roles[persona.role], scope=organisation.region, revoked_at=None
        )
        changed += created
    if persona.kind == UserKind.OFFICIAL:
        _, created = TOTPDevice.objects.update_or_create(
            user=user, name="演示动态口令", defaults={"key": demo_totp_key(persona.username), "confirmed": True}
        )
        changed += created
    return changed


def _company_seed() -> int:
    uscc, name = DEMO_COMPANY
    if LegalPerson.objects.filter(uscc=uscc).exists():
        return 0
    services.legal_person_register(uscc=uscc, name=name, legal_representative=User.objects.get(username="enterprise"))
    return 1
