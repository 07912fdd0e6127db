"""API schemas of the registry."""

from __future__ import annotations

from ninja import Schema


class ParkOut(Schema):
    id: int
    key: str | None
    name_zh: str
    name_en: str
    aliases: list[str]
    kind: str
    parent_id: int | None
    city_zh: str
    city_en: str
    province_zh: str
    province_en: str
    country: str
    public_directory: bool
    time_zone: str
    description_zh: str
    description_en: str
    version: int


class ParkIn(Schema):
    key: str | None = None
    name_zh: str | None = None
    name_en: str | None = None
    aliases: list[str] | None = None
    kind: str | None = None
    parent: int | str | None = None
    city_zh: str | None = None
    city_en: str | None = None
    province_zh: str | None = None
    province_en: str | None = None
    country: str | None = None
    public_directory: bool | None = None
    time_zone: str | None = None
    description_zh: str | None = None
    description_en: str | None = None


class OrganisationOut(Schema):
    id: int
    key: str | None
    name_zh: str
    name_en: str
    aliases: list[str]
    kind: str
    park_id: int | None
    city_zh: str
    city_en: str
    country: str
    website: str
    credit_code: str | None
    founded: str
    description_zh: str
    description_en: str
    version: int


class OrganisationIn(Schema):
    key: str | None = None
    name_zh: str | None = None
    name_en: str | None = None
    aliases: list[str] | None = None
    kind: str | None = None
    park: int | str | None = None
    city_zh: str | None = None
    city_en: str | None = None
    country: str | None = None
    website: str | None = None
    credit_code: str | None = None
    founded: str | None = None
    description_zh: str | None = None
    description_en: str | None = None


class PositionOut(Schema):
    id: int
    organisation_id: int | None
    title_zh: str
    title_en: str
    period: str
    is_current: bool


class PersonOut(Schema):
    id: int
    key: str | None
    name_zh: str
    name_en: str
    aliases: list[str]
    description_zh: str
    description_en: str
    positions: list[PositionOut]
    version: int


class PersonIn(Schema):
    key: str | None = None
    name_zh: str | None = None
    name_en: str | None = None
    aliases: list[str] | None = None
    description_zh: str | None = None
    description_en: str | None = None


class PositionIn(Schema):
    organisation: int | None = None
    title_zh: str = ""
    title_en: str = ""
    start: str | None = None
    end: str | None = None
    is_current: bool = True


class PlatformOut(Schema):
    id: int
    key: str | None
    name_zh: str
    name_en: str
    aliases: list[str]
    kind: str
    operator_id: int | None
    park_id: int | None
    stages: list[str]
    description_zh: str
    description_en: str
    version: int


class PlatformIn(Schema):
    key: str | None = None
    name_zh: str | None = None
    name_en: str | None = None
    aliases: list[str] | None = None
    kind: str | None = None
    operator: int | str | None = None
    park: int | str | None = None
    stages: list[str] | None = None
    description_zh: str | None = None
    description_en: str | None = None


class RelationOut(Schema):
    id: int
    subject_type: str
    subject_id: int
    predicate: str
    object_type: str
    object_id: int
    note: str


class RelationIn(Schema):
    subject_type: str
    subject_id: int
    predicate: str
    object_type: str
    object_id: int
    note: str = ""


class ChangeOut(Schema):
    id: int
    action: str
    actor_label: str
    at: str
    changes: dict
    note: str

    @staticmethod
    def resolve_at(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.at.isoformat()


class CitationOut(Schema):
    source_key: str
    source_title: str
    span_start: int | None
    span_end: int | None
    field: str

    @staticmethod
    def resolve_source_key(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.source.key

    @staticmethod
    def resolve_source_title(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.source.title
