"""What each registry type exposes for editing, importing and exporting, in one place."""

from __future__ import annotations

from typing import Any

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
