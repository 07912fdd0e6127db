"""API schemas of the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from ninja import Schema

from biopark.core.schema_types import choice, documented
from biopark.ecosystem.models import ENTITY_TYPES, STAGE_CODES, Organisation, Park, Platform, Relation

if TYPE_CHECKING:  # the checker sees strings; pydantic sees the enums (see biopark.core.schema_types)
    ParkKind: TypeAlias = str
    ParkKindOut: TypeAlias = str
    OrgKind: TypeAlias = str
    OrgKindOut: TypeAlias = str
    PlatformKind: TypeAlias = str
    PlatformKindOut: TypeAlias = str
    Predicate: TypeAlias = str
    PredicateOut: TypeAlias = str
    EntityType: TypeAlias = str
    EntityTypeOut: TypeAlias = str
    Stage: TypeAlias = str
else:
    ParkKind, ParkKindOut = choice(Park.Kind.values), documented(Park.Kind.values)
    OrgKind, OrgKindOut = choice(Organisation.Kind.values), documented(Organisation.Kind.values)
    PlatformKind, PlatformKindOut = choice(Platform.Kind.values), documented(Platform.Kind.values)
    Predicate, PredicateOut = choice(Relation.Predicate.values), documented(Relation.Predicate.values)
    EntityType, EntityTypeOut = choice(ENTITY_TYPES), documented(ENTITY_TYPES)
    Stage = choice(STAGE_CODES)


class ParkOut(Schema):
    id: int
    key: str | None
    name_zh: str
    name_en: str
    aliases: list[str]
    kind: ParkKindOut
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
    kind: ParkKind | None = None
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
    kind: OrgKindOut
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
    kind: OrgKind | None = None
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
    kind: PlatformKindOut
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
    kind: PlatformKind | None = None
    operator: int | str | None = None
    park: int | str | None = None
    stages: list[Stage] | None = None
    description_zh: str | None = None
    description_en: str | None = None


class RelationOut(Schema):
    id: int
    subject_type: EntityTypeOut
    subject_id: int
    predicate: PredicateOut
    object_type: EntityTypeOut
    object_id: int
    note: str


class RelationIn(Schema):
    subject_type: EntityType
    subject_id: int
    predicate: Predicate
    object_type: EntityType
    object_id: int
    note: str = ""


class ChangeOut(Schema):
    id: int
    action: str
    actor_label: str
    at: str
    changes: dict
    note: str
    # The name of the merged record this row came from ("" for the record's own rows).
    merged_from: str = ""

    @staticmethod
    def resolve_at(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.at.isoformat()

    @staticmethod
    def resolve_merged_from(obj) -> str:  # type: ignore[no-untyped-def]
        return getattr(obj, "merged_from", "")


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
