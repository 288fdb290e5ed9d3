"""In and Out schemas of the accounts API."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from shuzheng.accounts.choices import MemberRole, UserKind


class RoleOut(Schema):
    role: str = Field(alias="role.code")
    name: str = Field(alias="role.name")
    scope: str = Field(alias="scope_id")
    expires_at: datetime.datetime | None


class MembershipOut(Schema):
    uscc: str = Field(alias="legal_person.uscc")
    name: str = Field(alias="legal_person.name")
    role: MemberRole


class MeOut(Schema):
    username: str
    name: str
    kind: UserKind
    id_number_masked: str = Field(description="只返回部分号码")
    organisation: str | None = Field(None, alias="organisation.name")
    roles: list[RoleOut]
    legal_persons: list[MembershipOut]


class LegalPersonOut(Schema):
    uscc: str
    name: str
    legal_representative_name: str
    region: str | None = Field(None, alias="region_id")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=64)
    scopes: list[str] = Field(min_length=1, max_length=10)
    days: int = Field(90, ge=1, le=3650)


class TokenOut(Schema):
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime.datetime
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None
    last_used_at: datetime.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="完整令牌，只在此时返回一次")
