"""Explainable matching between an investor's mandate and a project's financing need.

Pure functions over plain data (no database): a match is the sum of named criteria, each giving points and a
reason a person can read ("stage fits: Phase 1 within the mandate Preclinical–Phase 2"). An empty preference
in the mandate ("any stage") earns half the criterion's points, so a focused mandate that fits ranks above a
mandate that takes everything. `biopark.financing.matrix` computes the same totals for thousands of rows at once;
the reasons are always built here, for the rows shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from biopark.core.formatting import currency_unit, lang_of
from biopark.ecosystem.models import STAGE_CODES
from biopark.financing.models import Round
from biopark.pipeline.models import Modality, stage_label
from biopark.pipeline.vocabulary import area_label

RANK = {code: i for i, code in enumerate(STAGE_CODES)}

# Points of each criterion when it fits; "any" earns half (rounded down); a near miss earns NEAR.
WEIGHTS: dict[str, int] = {"stage": 30, "area": 24, "modality": 14, "ticket": 20, "region": 6, "round": 6}
NEAR = {"stage": 10, "ticket": 8}
CRITERIA_LABELS = {
    "stage": _("Stage"), "area": _("Therapeutic area"), "modality": _("Modality"), "ticket": _("Ticket size"),
    "region": _("Region"), "round": _("Round"),
}


def half(key: str) -> int:
    return WEIGHTS[key] // 2


@dataclass(frozen=True)
class MandateFacts:
    id: int
    organisation_id: int
    stages: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()
    rounds: frozenset[str] = frozenset()
    regions: tuple[str, ...] = ()  # as typed, compared case-insensitively
    ticket_min: Decimal = Decimal(0)
    ticket_max: Decimal = Decimal(0)
    currency: str = "CNY"


@dataclass(frozen=True)
class NeedFacts:
    """A project's facts as matching reads them; `round`, `amount` and `currency` are empty when the project
    seeks no financing now."""

    project_id: int
    need_id: int | None = None
    stage: str = ""
    modality: str = ""
    areas: frozenset[str] = frozenset()
    round: str = ""
    amount: Decimal | None = None
    currency: str = ""
    places: tuple[str, ...] = ()  # the park's and organisation's city, province, country


@dataclass(frozen=True)
class Criterion:
    key: str
    points: int
    maximum: int
    reason: str

    @property
    def label(self) -> str:
        return str(CRITERIA_LABELS[self.key])


@dataclass(frozen=True)
class Match:
    mandate_id: int
    organisation_id: int
    project_id: int
    need_id: int | None
    criteria: tuple[Criterion, ...]

    @property
    def score(self) -> int:
        return sum(c.points for c in self.criteria)


def _zh() -> bool:
    return lang_of(get_language()) == "zh"


def _join(items: Iterable[str]) -> str:
    return ("、" if _zh() else ", ").join(items)


def stage_range(stages: Iterable[str]) -> str:
    """"Preclinical–Phase 2" when the stages are contiguous, else the list of their labels."""
    ranks = sorted(RANK[s] for s in stages if s in RANK)
    if not ranks:
        return ""
    if len(ranks) > 1 and ranks == list(range(ranks[0], ranks[-1] + 1)):
        return f"{stage_label(STAGE_CODES[ranks[0]])}–{stage_label(STAGE_CODES[ranks[-1]])}"
    return _join(stage_label(STAGE_CODES[r]) for r in ranks)


# Labels stay lazy (translated when shown); the enums' `choices` are rebuilt on every access, so keep them here.
_MODALITY_LABELS = dict(Modality.choices)
_ROUND_LABELS = dict(Round.choices)


def _modality_label(code: str) -> str:
    return str(_MODALITY_LABELS.get(code, code))


def _round_label(code: str) -> str:
    return str(_ROUND_LABELS.get(code, code))


# --- amounts -----------------------------------------------------------------------------------------------

_SCALES_EN = ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "K"))
_SCALES_ZH = ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))


def _scaled(value: Decimal) -> tuple[str, str]:
    """(number, scale word): 50,000,000 -> ("50", "M") in English, ("5000", "万") in Chinese."""
    for unit, word in _SCALES_ZH if _zh() else _SCALES_EN:
        if abs(value) >= unit:
            number = (value / unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
            return f"{number:f}", word
    return f"{value.quantize(Decimal('0.01')).normalize():f}", ""


def _amount(value: Decimal, currency: str) -> str:
    number, word = _scaled(value)
    unit = currency_unit(currency, get_language())
    return f"{number} {word}{unit}" if _zh() else " ".join(p for p in (number, word, unit) if p)


def _range(low: Decimal, high: Decimal, currency: str) -> str:
    (a, wa), (b, wb) = _scaled(low), _scaled(high)
    if _zh():
        unit = currency_unit(currency, get_language())
        return f"{a}–{b} {wb}{unit}" if wa == wb else f"{a} {wa}–{b} {wb}{unit}"
    return f"{a}–{b} {wb}".strip() if wa == wb else f"{a} {wa}–{b} {wb}".strip()


# --- the criteria ------------------------------------------------------------------------------------------


def stage_fit(m: MandateFacts, n: NeedFacts) -> Criterion:
    w = WEIGHTS["stage"]
    if not m.stages:
        return Criterion("stage", half("stage"), w, gettext("stage: the mandate takes any stage"))
    if n.stage not in RANK:
        return Criterion("stage", 0, w, gettext("stage: the project has no stage recorded"))
    values = {"stage": stage_label(n.stage), "range": stage_range(m.stages)}
    if n.stage in m.stages:
        return Criterion("stage", w, w, gettext("stage fits: %(stage)s within the mandate %(range)s") % values)
    ranks = [RANK[s] for s in m.stages if s in RANK]
    if ranks and (RANK[n.stage] == min(ranks) - 1 or RANK[n.stage] == max(ranks) + 1):
        return Criterion("stage", NEAR["stage"], w,
                         gettext("stage close: %(stage)s is one step from the mandate %(range)s") % values)
    return Criterion("stage", 0, w, gettext("stage outside: %(stage)s is not in the mandate %(range)s") % values)


def area_fit(m: MandateFacts, n: NeedFacts) -> Criterion:
    w = WEIGHTS["area"]
    if not m.areas:
        return Criterion("area", half("area"), w, gettext("therapeutic area: the mandate takes any area"))
    if not n.areas:
        return Criterion("area", 0, w, gettext("therapeutic area: the project names none"))
    shared = sorted(m.areas & n.areas)
    if shared:
        return Criterion("area", w, w, gettext("therapeutic area fits: %(areas)s") % {
            "areas": _join(area_label(a) for a in shared)})
    return Criterion("area", 0, w, gettext("therapeutic area outside: %(areas)s; the mandate covers %(mandate)s") % {
        "areas": _join(area_label(a) for a in sorted(n.areas)), "mandate": _join(area_label(a) for a in sorted(m.areas))})


def modality_fit(m: MandateFacts, n: NeedFacts) -> Criterion:
    w = WEIGHTS["modality"]
    if not m.modalities:
        return Criterion("modality", half("modality"), w, gettext("modality: the mandate takes any modality"))
    values = {"modality": _modality_label(n.modality),
              "mandate": _join(_modality_label(x) for x in sorted(m.modalities))}
    if n.modality in m.modalities:
        return Criterion("modality", w, w, gettext("modality fits: %(modality)s") % values)
    return Criterion("modality", 0, w, gettext("modality outside: %(modality)s; the mandate covers %(mandate)s") % values)


def ticket_fit(m: MandateFacts, n: NeedFacts) -> Criterion:
    w = WEIGHTS["ticket"]
    if n.amount is None:
        return Criterion("ticket", 0, w, gettext("ticket: the project seeks no financing now"))
    if n.currency != m.currency:
        return Criterion("ticket", 0, w, gettext(
            "ticket: %(sought)s sought, the mandate is in %(currency)s (not converted)") % {
            "sought": _amount(n.amount, n.currency), "currency": currency_unit(m.currency, get_language())})
    values = {"sought": _amount(n.amount, n.currency), "range": _range(m.ticket_min, m.ticket_max, m.currency)}
    if m.ticket_min <= n.amount <= m.ticket_max:
        return Criterion("ticket", w, w, gettext("ticket: %(sought)s sought, mandate %(range)s") % values)
    if n.amount * 2 >= m.ticket_min and n.amount <= m.ticket_max * 2:
        return Criterion("ticket", NEAR["ticket"], w,
                         gettext("ticket close: %(sought)s sought, mandate %(range)s") % values)
    return Criterion("ticket", 0, w, gettext("ticket outside: %(sought)s sought, mandate %(range)s") % values)


def norm_place(text: str) -> str:
    return " ".join(str(text).strip().lower().split())


def region_fit(m: MandateFacts, n: NeedFacts) -> Criterion:
    w = WEIGHTS["region"]
    if not m.regions:
        return Criterion("region", half("region"), w, gettext("region: the mandate takes any region"))
    places = {norm_place(p) for p in n.places if p}
    found = [r for r in m.regions if norm_place(r) in places]
    if found:
        return Criterion("region", w, w, gettext("region fits: %(region)s") % {"region": found[0]})
    return Criterion("region", 0, w, gettext("region outside: the mandate covers %(regions)s") % {
        "regions": _join(m.regions)})


def round_fit(m: MandateFacts, n: NeedFacts) -> Criterion:
    w = WEIGHTS["round"]
    if not m.rounds:
        return Criterion("round", half("round"), w, gettext("round: the mandate takes any round"))
    if not n.round:
        return Criterion("round", 0, w, gettext("round: the project seeks no financing now"))
    values = {"round": _round_label(n.round), "rounds": _join(_round_label(r) for r in sorted(m.rounds))}
    if n.round in m.rounds:
        return Criterion("round", w, w, gettext("round fits: %(round)s") % values)
    return Criterion("round", 0, w, gettext("round outside: %(round)s; the mandate invests in %(rounds)s") % values)


CRITERIA: tuple[Callable[[MandateFacts, NeedFacts], Criterion], ...] = (
    stage_fit, area_fit, modality_fit, ticket_fit, region_fit, round_fit,
)


def match(mandate: MandateFacts, need: NeedFacts) -> Match:
    """Score one mandate against one project's need, with every criterion's reason."""
    return Match(mandate.id, mandate.organisation_id, need.project_id, need.need_id,
                 tuple(criterion(mandate, need) for criterion in CRITERIA))


def rank(pairs: Iterable[tuple[MandateFacts, NeedFacts]], limit: int | None = None) -> list[Match]:
    """Matches of the given pairs, best first (ties: lower mandate id, then lower project id)."""
    found = sorted((match(m, n) for m, n in pairs), key=lambda x: (-x.score, x.mandate_id, x.project_id))
    return found if limit is None else found[:limit]
