"""How proposals follow an organisation merged into another. A proposal names registry records as strings
("organisation:7"): the record it matches, the record accepting it made or changed, and, inside its fields,
the matches of parties, subjects and participants (and the values a reviewer typed). All of them that name
the duplicate are rewritten to name the survivor, so the queue shows and accepts against the survivor and the
survivor's page lists the documents that mention either."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from biopark.core.merge import PREVIEW_NAMES, Outcome, Preview, register_follower
from biopark.news.models import Proposal

TARGET = "ecosystem.Organisation"


def _ref(record: models.Model) -> str:
    return f"organisation:{record.pk}"


def _rewrite(value: Any, old: str, new: str) -> Any:
    """`value` (a proposal's fields, any depth) with every string naming `old`, alone or as one line of a
    list a reviewer typed, renamed to `new`."""
    if isinstance(value, dict):
        return {k: _rewrite(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, old, new) for v in value]
    if isinstance(value, str) and old in value:
        if value == old:
            return new
        if "\n" in value:
            return "\n".join(new if line.strip() == old else line for line in value.split("\n"))
    return value


@dataclass(frozen=True)
class ProposalFollower:
    """Proposals whose match, accepted record or fields name the organisation. They have no foreign key
    (the references are strings), so nothing collides: every one is rewritten."""

    app: str = "news"
    kind: str = "news_proposals"
    label: Any = _("news proposals")
    covers: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def _rows(record: models.Model) -> list[Proposal]:
        ref = _ref(record)
        # The text of the fields narrows the rows in the database; _rewrite decides exactly ("organisation:7"
        # must not catch "organisation:70").
        candidates = (Proposal.objects.annotate(fields_text=Cast("fields", TextField()))
                      .filter(Q(match=ref) | Q(record=ref) | Q(fields_text__contains=ref))
                      .select_related("document").order_by("id"))
        return [p for p in candidates
                if ref in (p.match, p.record) or _rewrite(p.fields, ref, "\x00") != p.fields]

    def preview(self, keep: models.Model, duplicate: models.Model) -> Preview:
        rows = self._rows(duplicate)
        names = [f"{p.document.title} · {p.get_status_display()}" for p in rows[:PREVIEW_NAMES]]
        return Preview(count=len(rows), names=names, conflicts=[])

    def move(self, keep: models.Model, duplicate: models.Model) -> Outcome:
        old, new = _ref(duplicate), _ref(keep)
        rows = self._rows(duplicate)
        for p in rows:
            p.match = new if p.match == old else p.match
            p.record = new if p.record == old else p.record
            p.fields = _rewrite(p.fields, old, new)
        Proposal.objects.bulk_update(rows, ["match", "record", "fields"])
        return Outcome(moved=[p.pk for p in rows])


def register() -> None:
    """Called by NewsConfig.ready."""
    register_follower(TARGET, ProposalFollower())
