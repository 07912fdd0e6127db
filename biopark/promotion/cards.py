"""The lead board's cards and the lead list's rows as HTML, built in Python.

A board shows up to 80 cards and the list 50 rows, each with a dozen values; through the template engine
(a variable lookup, a filter call and an escape per value) they cost most of the page's CPU time, and the
money and date filters call Babel for every value. Here each card is one `format_html` call, and the
formatted amounts, numbers and dates are memoised per (value, language): a board repeats the same few
amounts, days and owners many times. The markup is the one the templates produced; every label is
translated once per page (`Labels`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from biopark.core import formatting
from biopark.core.models import display_name
from biopark.promotion.models import Lead, Source
from biopark.promotion.selectors import is_overdue

_EMPTY = mark_safe("")  # noqa: S308 - a constant empty string


@lru_cache(maxsize=4096)
def _money(text: str, currency: str, language: str) -> SafeString:
    # Keyed by the value's text: Decimal("1E+6") equals Decimal("1000000") but keeps other decimals.
    amount = formatting.format_money(text, currency, language)
    if amount.shortened:
        return format_html('<span class="amount" title="{}">{}</span>', amount.exact, amount.text)
    return format_html("{}", amount.text)


@lru_cache(maxsize=4096)
def _number(value: int, language: str) -> str:
    return formatting.format_number(value, language)


@lru_cache(maxsize=4096)
def _day(value: dt.date, language: str) -> str:
    return formatting.format_date(value, language)


def money(value: Any, currency: str, language: str) -> SafeString:
    """What `{{ value|money:currency }}` shows, memoised."""
    return _EMPTY if value is None or value == "" else _money(str(value), currency or "", language)


def person_name(user: Any) -> str:
    """What `{% firstof user.get_full_name user.get_username %}` shows."""
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class Labels:
    """The words every card or row repeats, translated once per page."""

    language: str
    jobs: str
    owner: str
    overdue: SafeString
    synthetic: SafeString
    move_to: str
    move: str

    @classmethod
    def current(cls) -> Labels:
        return cls(
            language=get_language() or "zh-hans",
            jobs=gettext("Jobs"),
            owner=pgettext("lead owner", "Owner"),
            overdue=format_html(' <span class="overdue">{}</span>', gettext("overdue")),
            synthetic=format_html('<span class="tag">{}</span>', gettext("synthetic demo record")),
            move_to=gettext("Move to"),
            move=pgettext("lead stage", "Move"),
        )


def _next_action(lead: Lead, labels: Labels, overdue: bool) -> SafeString:
    due = format_html(" · {}", _day(lead.next_action_due, labels.language)) if lead.next_action_due else _EMPTY
    return format_html("{}{}{}", lead.next_action or "—", due, labels.overdue if overdue else _EMPTY)


def _facts(lead: Lead, labels: Labels) -> SafeString:
    amount = money(lead.investment_amount, lead.investment_currency, labels.language)
    jobs = format_html(" · {} {}", labels.jobs, _number(lead.jobs, labels.language)) if lead.jobs else _EMPTY
    space = format_html(" · {} m²", _number(lead.space_m2, labels.language)) if lead.space_m2 else _EMPTY
    return format_html("{}{}{}", amount, jobs, space)


def _owner(lead: Lead, names: dict[int, str]) -> str:
    if lead.owner_id is None:
        return "—"
    if lead.owner_id not in names:
        names[lead.owner_id] = person_name(lead.owner)
    return names[lead.owner_id]


def board_cards(leads: Iterable[Lead], *, options: SafeString, labels: Labels, csrf_input: SafeString,
                back: str, today: dt.date, movable: bool) -> SafeString:
    """The cards of one board column. `options` are the column's move targets (the same for every card),
    `back` the board's address the move form returns to, `movable` whether the column has any."""
    names: dict[int, str] = {}
    cards = []
    for lead in leads:
        overdue = is_overdue(lead, today)
        action = (format_html('<div>{}</div>\n    ', _next_action(lead, labels, overdue))
                  if lead.next_action or lead.next_action_due else _EMPTY)
        synthetic = format_html("{}\n    ", labels.synthetic) if lead.synthetic else _EMPTY
        form = format_html(
            '<form method="post" action="/promotion/leads/{}/move">{}\n      <input type="hidden" name="next" '
            'value="{}">\n      <select name="stage" aria-label="{}">{}</select>\n      <button>{}</button>\n'
            '    </form>', lead.pk, csrf_input, back, labels.move_to, options, labels.move,
        ) if movable else _EMPTY
        cards.append(format_html(
            '<article class="lead-card">\n    <a class="org" href="/promotion/leads/{}/">{}</a>\n'
            '    <div>{}</div>\n    <div class="muted">{}</div>\n    <div class="muted">{}: {}</div>\n'
            '    {}{}{}\n  </article>\n',
            lead.pk, display_name(lead.organisation.name_zh, lead.organisation.name_en), lead.project,
            _facts(lead, labels), labels.owner, _owner(lead, names), action, synthetic, form,
        ))
    return mark_safe("".join(cards))  # noqa: S308 - every part went through format_html


_SOURCE_LABELS = dict(Source.choices)


def list_rows(leads: Iterable[Lead], *, labels: Labels, today: dt.date) -> SafeString:
    """The rows of the lead list's table (the caller renders the empty-list row)."""
    names: dict[int, str] = {}
    rows = []
    for lead in leads:
        overdue = is_overdue(lead, today)
        amount = money(lead.investment_amount, lead.investment_currency, labels.language) \
            if lead.investment_amount is not None else "—"
        rows.append(format_html(
            '<tr><td><a href="/promotion/leads/{}/">{}</a>{}</td><td>{}</td><td>{}</td><td>{}</td>\n'
            '<td class="num">{}</td><td>{}</td>\n<td>{}</td>\n<td>{}</td></tr>\n',
            lead.pk, display_name(lead.organisation.name_zh, lead.organisation.name_en),
            format_html(" {}", labels.synthetic) if lead.synthetic else _EMPTY, lead.project,
            lead.stage.display_name, lead.park.display_name, amount,
            _SOURCE_LABELS.get(lead.source, lead.source), _owner(lead, names),
            _next_action(lead, labels, overdue),
        ))
    return mark_safe("".join(rows))  # noqa: S308 - every part went through format_html
