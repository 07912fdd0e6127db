"""Reads for the news app: the registry's names as rows for biopark.extract's NameIndex."""

from __future__ import annotations

from biopark.ecosystem.fields import TYPE_NAMES
from biopark.ecosystem.selectors import entity_model


def registry_names() -> list[tuple[str, str, list[str]]]:
    """(id, type, names) for every park, organisation, person and platform; one query per type.

    Ids are "<type>:<pk>" so a match names its table. Internal tool: the CLI runs as the operator.
    """
    rows: list[tuple[str, str, list[str]]] = []
    for type_name in TYPE_NAMES:
        model = entity_model(type_name)
        for pk, zh, en, aliases in model._default_manager.values_list("pk", "name_zh", "name_en", "aliases"):
            names = [n for n in [zh, en, *(aliases or [])] if isinstance(n, str) and n.strip()]
            if names:
                rows.append((f"{type_name}:{pk}", type_name, names))
    return rows
