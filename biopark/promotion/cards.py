"""The lead board's cards and the lead list's rows as HTML, built in Python.

A board shows up to 80 cards and the list 50 rows, each with a dozen values; through the template engine
(a variable lookup, a filter call and an escape per value) they cost most of the page's CPU time, and the
money and date filters call Babel for every value. Here each card is one f-string over escaped values, and
the formatted amounts, numbers and dates are memoised per (value, language): a board repeats the same few
amounts and days many times. The markup is the one the templates produced; every label is translated and
escaped once per page (`Labels`). Every value that comes from a record goes through `_e` (html.escape, as
Django's own escaping does) or is a memoised formatter's escaped output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from biopark.core import formatting
from biopark.core.demo_texts import shown
from biopark.promotion.models import Lead, Source, Stage
from biopark.promotion.selectors import Card


def _e(value: Any) -> str:
    return escape(str(value))


@lru_cache(maxsize=4096)
def _money(text: str, currency: str, language: str) -> str:
    # Keyed by the value's text: Decimal("1E+6") equals Decimal("1000000") but is written differently.
    amount = formatting.format_money(text, currency, language)
    if amount.shortened:
        return f'<span class="amount" title="{_e(amount.exact)}">{_e(amount.text)}</span>'
    return _e(amount.text)


@lru_cache(maxsize=4096)
def _number(value: int, language: str) -> str:
    return _e(formatting.format_number(value, language))


@lru_cache(maxsize=4096)
def _day(value: dt.date, language: str) -> str:
    return _e(formatting.format_date(value, language))


def money(value: Decimal | None, currency: str, language: str) -> SafeString:
    """What `{{ value|money:currency }}` shows (escaped HTML), memoised."""
    return mark_safe("" if value is None else _money(str(value), currency or "", language))  # noqa: S308


def _name(name_zh: str, name_en: str, zh: bool) -> str:
    """What `display_name` gives, for a language decided once per page."""
    return (name_zh or name_en) if zh else (name_en or name_zh)


@dataclass(frozen=True)
class Labels:
    """The words every card or row repeats, translated and escaped once per page."""

    language: str
    zh: bool
    jobs: str
    owner: str
    overdue: str
    synthetic: str
    move_to: str
    move: str

    @classmethod
    def current(cls) -> Labels:
        language = get_language() or "zh-hans"
        return cls(
            language=language,
            zh=language.lower().startswith("zh"),
            jobs=_e(gettext("Jobs")),
            owner=_e(pgettext("lead owner", "Owner")),
            overdue=' <span class="overdue">' + _e(gettext("overdue")) + "</span>",
            synthetic='<span class="tag">' + _e(gettext("synthetic demo record")) + "</span>",
            move_to=_e(gettext("Move to")),
            move=_e(pgettext("lead stage", "Move")),
        )


def _overdue(due: dt.date | None, stage: Stage, today: dt.date) -> bool:
    """As `selectors.is_overdue`."""
    return due is not None and due < today and stage.outcome != Stage.Outcome.LOST


def _next_action(action: str, due: dt.date | None, overdue: bool, labels: Labels) -> str:
    when = f" · {_day(due, labels.language)}" if due else ""
    return f"{_e(shown(action) or '—')}{when}{labels.overdue if overdue else ''}"


def _facts(card: Card, labels: Labels) -> str:
    amount = money(card.investment_amount, card.investment_currency, labels.language)
    jobs = f" · {labels.jobs} {_number(card.jobs, labels.language)}" if card.jobs else ""
    space = f" · {_number(card.space_m2, labels.language)} m²" if card.space_m2 else ""
    return f"{amount}{jobs}{space}"


def board_cards(cards: Iterable[Card], *, options: SafeString, labels: Labels, csrf_input: SafeString,
                back: str, today: dt.date, movable: bool) -> SafeString:
    """The cards of one board column. `options` are the column's move targets (the same for every card, HTML),
    `csrf_input` the form field (HTML), `back` the board's address the move form returns to, `movable`
    whether the column has move targets at all."""
    back = _e(back)
    html = []
    for card in cards:
        action = ""
        if card.next_action or card.next_action_due:
            overdue = _overdue(card.next_action_due, card.stage, today)
            action = f"<div>{_next_action(card.next_action, card.next_action_due, overdue, labels)}</div>\n    "
        synthetic = f"{labels.synthetic}\n    " if card.synthetic else ""
        form = (f'<form method="post" action="/promotion/leads/{card.id}/move">{csrf_input}\n'
                f'      <input type="hidden" name="next" value="{back}">\n'
                f'      <select name="stage" aria-label="{labels.move_to}">{options}</select>\n'
                f"      <button>{labels.move}</button>\n    </form>") if movable else ""
        owner = _e(card.owner_name) if card.owner_id is not None else "—"
        html.append(
            f'<article class="lead-card">\n    <a class="org" href="/promotion/leads/{card.id}/">'
            f"{_e(_name(card.name_zh, card.name_en, labels.zh))}</a>\n"
            f"    <div>{_e(shown(card.project))}</div>\n    <div class=\"muted\">{_facts(card, labels)}</div>\n"
            f'    <div class="muted">{labels.owner}: {owner}</div>\n'
            f"    {action}{synthetic}{form}\n  </article>\n")
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


_SOURCE_LABELS = dict(Source.choices)


def list_rows(leads: Iterable[Lead], *, labels: Labels, today: dt.date) -> SafeString:
    """The rows of the lead list's table (the caller renders the row saying the list is empty). The leads come
    with their organisation, stage, park and owner (`selectors.lead_list`)."""
    names: dict[int, str] = {}
    html = []
    for lead in leads:
        amount = money(lead.investment_amount, lead.investment_currency, labels.language) \
            if lead.investment_amount is not None else "—"
        user = lead.owner
        if user is None:
            owner = "—"
        elif user.pk in names:
            owner = names[user.pk]
        else:
            owner = names[user.pk] = _e(user.get_full_name() or user.get_username())
        overdue = _overdue(lead.next_action_due, lead.stage, today)
        organisation = _name(lead.organisation.name_zh, lead.organisation.name_en, labels.zh)
        html.append(
            f'<tr><td><a href="/promotion/leads/{lead.pk}/">{_e(organisation)}</a>'
            f"{' ' + labels.synthetic if lead.synthetic else ''}</td><td>{_e(shown(lead.project))}</td>"
            f"<td>{_e(lead.stage.display_name)}</td><td>{_e(lead.park.display_name)}</td>\n"
            f'<td class="num">{amount}</td><td>{_e(_SOURCE_LABELS.get(lead.source, lead.source))}</td>\n'
            f"<td>{owner}</td>\n"
            f"<td>{_next_action(lead.next_action, lead.next_action_due, overdue, labels)}</td></tr>\n")
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
