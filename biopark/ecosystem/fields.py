"""What each registry type exposes for editing, importing and exporting, in one place."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from biopark.ecosystem.models import Organisation, Park, Person, Platform

# Plain fields a user may set, per model, in the order forms and exports show them.
EDITABLE: dict[Any, list[str]] = {
    Park: [
        "key", "name_zh", "name_en", "aliases", "kind", "parent", "city_zh", "city_en", "province_zh",
        "province_en", "country", "public_directory", "time_zone", "description_zh", "description_en",
    ],
    Organisation: [
        "key", "name_zh", "name_en", "aliases", "kind", "park", "city_zh", "city_en", "country", "website",
        "credit_code", "founded", "description_zh", "description_en",
    ],
    Person: ["key", "name_zh", "name_en", "aliases", "description_zh", "description_en"],
    Platform: [
        "key", "name_zh", "name_en", "aliases", "kind", "operator", "park", "stages", "description_zh",
        "description_en",
    ],
}

# Partial-date inputs: the user-facing name and the two model fields behind it.
PARTIAL_DATES: dict[str, tuple[str, str]] = {"founded": ("founded_on", "founded_precision")}

# Foreign keys and the model they point to (given by id, key or name in imports).
FOREIGN: dict[str, Any] = {"parent": Park, "park": Park, "operator": Organisation}

TYPE_NAMES: dict[str, Any] = {
    "park": Park,
    "organisation": Organisation,
    "person": Person,
    "platform": Platform,
}
MODEL_TYPE: dict[Any, str] = {v: k for k, v in TYPE_NAMES.items()}

# What forms, errors and history call each editable field.
FIELD_LABELS: dict[str, Any] = {
    "key": _("Key"), "name_zh": _("Chinese name"), "name_en": _("English name"), "aliases": _("Aliases"),
    "kind": _("Kind"), "parent": _("Within"), "park": _("Park"), "operator": _("Operator"),
    "city_zh": _("City (Chinese)"), "city_en": _("City (English)"), "province_zh": _("Province (Chinese)"),
    "province_en": _("Province (English)"), "country": _("Country or region (two-letter code)"),
    "public_directory": _("Shown in the public directory"), "time_zone": _("Time zone"),
    "description_zh": _("Description (Chinese)"), "description_en": _("Description (English)"),
    "website": _("Website"), "credit_code": _("Unified social credit code"),
    "founded": _("Founded (YYYY, YYYY-MM or YYYY-MM-DD)"), "stages": _("Stages served"),
}

# Each record type by its name in the active language.
TYPE_LABELS: dict[str, Any] = {
    "park": _("park"), "organisation": _("organisation"), "person": _("person"), "platform": _("platform"),
}

# Each record type's list, by its name in the active language (the URL keeps the English plural).
PLURAL_LABELS: dict[str, Any] = {
    "parks": _("Parks"), "organisations": _("Organisations"), "people": _("People"), "platforms": _("Platforms"),
}


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))
