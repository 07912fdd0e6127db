"""API schemas of merging one organisation record into another."""

from __future__ import annotations

from ninja import Schema


class MergeIn(Schema):
    into: int  # the organisation that survives


class MergeKindOut(Schema):
    app: str
    kind: str
    label: str
    count: int
    names: list[str]  # a few of the rows that move
    conflicts: list[str]  # rows the survivor holds already: dropped, not moved


class MergePreviewOut(Schema):
    duplicate: int
    into: int
    kinds: list[MergeKindOut]
    aliases_added: list[str]
    fields_filled: dict[str, str]  # the survivor's empty fields the duplicate fills: field -> value


class MergeMovedOut(Schema):
    app: str
    kind: str
    label: str
    moved: list[int]  # ids of the rows now on the survivor
    dropped: list[int]  # ids of the rows removed because the survivor held the same one


class MergeOut(Schema):
    into: int
    merged: int
    merged_name: str
    moved: list[MergeMovedOut]
    aliases_added: list[str]
    fields_filled: dict[str, str]
