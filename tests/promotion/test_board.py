"""The lead board's reads (selectors.board) and the HTML of its cards and of the list's rows (cards.py): the
counts and first cards per stage, a fixed number of queries, escaping, and the same markup the templates wrote."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from biopark.accounts.models import Role
from biopark.promotion import cards, selectors
from biopark.promotion.models import Lead
from tests.factories import OrganisationFactory, ParkFactory, make_user
from tests.promotion.factories import LeadFactory, pipeline, stage

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _lead(park, code: str, minutes_ago: int, **kw) -> Lead:
    lead = LeadFactory(park=park, stage=stage(code), **kw)
    Lead.objects.filter(pk=lead.pk).update(updated_at=NOW - dt.timedelta(minutes=minutes_ago))
    return lead


@pytest.fixture
def park_leads():
    park = ParkFactory()
    operator = make_user(Role.OPERATOR, park=park, first_name="Li", last_name="Na", username="li")
    owner = make_user(Role.OPERATOR, park=park, username="wang")  # no full name: shown by username
    # updated 5, 1, 9, 3 and 7 minutes ago; the two oldest are the second owner's
    visited = [_lead(park, "visited", m, owner=owner if m > 5 else operator) for m in (5, 1, 9, 3, 7)]
    contacted = [_lead(park, "contacted", 2)]
    _lead(ParkFactory(), "visited", 0)  # another park's: never counted
    return {"park": park, "operator": operator, "owner": owner, "visited": visited, "contacted": contacted}


def _filters(**kw) -> selectors.LeadFilters:
    return selectors.LeadFilters(pipeline=pipeline(), **kw)


def test_each_column_counts_its_stage_and_shows_the_most_recently_changed_first(park_leads):
    columns = selectors.board(park_leads["operator"], _filters(), per_column=3)
    by_code = {c.stage.code: c for c in columns}
    assert [c.stage.code for c in columns] == [s.code for s in pipeline().stages.all()]
    visited = park_leads["visited"]
    assert (by_code["visited"].count, by_code["visited"].more) == (5, 2)
    # updated 1, 3 and 5 minutes ago, newest first
    assert [c.id for c in by_code["visited"].leads] == [visited[1].pk, visited[3].pk, visited[0].pk]
    assert [c.id for c in by_code["contacted"].leads] == [park_leads["contacted"][0].pk]
    assert (by_code["lead"].count, by_code["lead"].leads) == (0, [])
    card = by_code["visited"].leads[0]
    assert (card.stage.code, card.owner_name, card.project) == ("visited", "Li Na", visited[1].project)
    assert by_code["visited"].leads[1].owner_name == "Li Na"
    assert by_code["visited"].leads[2].owner_name == "Li Na"


def test_the_board_keeps_the_filters(park_leads):
    columns = selectors.board(park_leads["operator"], _filters(owner=park_leads["owner"].pk), per_column=10)
    by_code = {c.stage.code: c for c in columns}
    visited = park_leads["visited"]
    assert by_code["visited"].count == 2
    assert [c.id for c in by_code["visited"].leads] == [visited[4].pk, visited[2].pk]  # 7 and 9 minutes ago
    assert by_code["visited"].leads[0].owner_name == "wang"
    assert by_code["contacted"].count == 0


def test_the_number_of_queries_does_not_grow_with_the_leads(park_leads):
    user, filters = park_leads["operator"], _filters()
    selectors.board(user, filters)  # the user's profile and park tree are cached from here on
    with CaptureQueriesContext(connection) as few:
        selectors.board(user, filters)
    for minutes in range(30):
        _lead(park_leads["park"], ("lead", "contacted", "negotiating")[minutes % 3], 100 + minutes)
    with CaptureQueriesContext(connection) as many:
        columns = selectors.board(user, filters)
    assert len(many.captured_queries) == len(few.captured_queries) == 4  # stages, counts, first ids, cards
    shown = {c.stage.code: (c.count, len(c.leads)) for c in columns if c.count}
    assert shown == {"lead": (10, 10), "contacted": (11, 10), "visited": (5, 5), "negotiating": (10, 10)}


# The cards and rows as the templates wrote them before cards.py; the Python output must say the same.
CARD_TEMPLATE = """{% load i18n biopark_format %}{% for lead in leads %}
  <article class="lead-card">
    <a class="org" href="/promotion/leads/{{ lead.pk }}/">{{ lead.organisation.display_name }}</a>
    <div>{{ lead.project }}</div>
    <div class="muted">{% if lead.investment_amount is not None %}{{ lead.investment_amount|money:lead.investment_currency }}{% endif %}{% if lead.jobs %} · {% translate "Jobs" %} {{ lead.jobs|num }}{% endif %}{% if lead.space_m2 %} · {{ lead.space_m2|num }} m²{% endif %}</div>
    <div class="muted">{% translate "Owner" context "lead owner" %}: {% if lead.owner %}{% firstof lead.owner.get_full_name lead.owner.get_username %}{% else %}—{% endif %}</div>
    {% if lead.next_action or lead.next_action_due %}<div>{{ lead.next_action|default:"—" }}{% if lead.next_action_due %} · {{ lead.next_action_due|day }}{% endif %}{% if lead.overdue %} <span class="overdue">{% translate "overdue" %}</span>{% endif %}</div>{% endif %}
    {% if lead.synthetic %}<span class="tag">{% translate "synthetic demo record" %}</span>{% endif %}
    <form method="post" action="/promotion/leads/{{ lead.pk }}/move">{{ csrf_input }}
      <input type="hidden" name="next" value="/promotion/?{{ query }}">
      <select name="stage" aria-label="{% translate 'Move to' %}">{{ options }}</select>
      <button>{% translate "Move" context "lead stage" %}</button>
    </form>
  </article>{% endfor %}"""

ROW_TEMPLATE = """{% load i18n biopark_format %}{% for lead in leads %}
<tr><td><a href="/promotion/leads/{{ lead.pk }}/">{{ lead.organisation.display_name }}</a>{% if lead.synthetic %} <span class="tag">{% translate "synthetic demo record" %}</span>{% endif %}</td><td>{{ lead.project }}</td><td>{{ lead.stage.display_name }}</td><td>{{ lead.park.display_name }}</td>
<td class="num">{% if lead.investment_amount is not None %}{{ lead.investment_amount|money:lead.investment_currency }}{% else %}—{% endif %}</td><td>{{ lead.get_source_display }}</td>
<td>{% if lead.owner %}{% firstof lead.owner.get_full_name lead.owner.get_username %}{% else %}—{% endif %}</td>
<td>{{ lead.next_action|default:"—" }}{% if lead.next_action_due %} · {{ lead.next_action_due|day }}{% endif %}{% if lead.overdue %} <span class="overdue">{% translate "overdue" %}</span>{% endif %}</td></tr>{% endfor %}"""


def _same_words(html: str) -> list[str]:
    return [w for w in re.split(r"\s+", html) if w]


@pytest.fixture
def varied(park_leads):
    """Leads covering every branch of a card: hostile names, no owner, amounts large and small, due dates past
    and future, lost, synthetic."""
    park, today = park_leads["park"], timezone.localdate()
    hostile = OrganisationFactory(name_zh='<b>"恶意"</b>', name_en="<script>alert('x')</script>")
    leads = [
        _lead(park, "negotiating", 1, organisation=hostile, project='A & B "plant"', owner=park_leads["operator"],
              investment_amount=Decimal("1200000000"), investment_currency="USD", jobs=1200, space_m2=25000,
              next_action="<call>", next_action_due=today - dt.timedelta(days=3), synthetic=True),
        _lead(park, "negotiating", 2, investment_amount=Decimal("12910.00"), investment_currency="CNY",
              next_action_due=today + dt.timedelta(days=3)),
        _lead(park, "negotiating", 3, investment_amount=Decimal("50000"), next_action="Visit", jobs=0),
        _lead(park, "lost", 4, next_action="Archive", next_action_due=today - dt.timedelta(days=9)),
    ]
    return [Lead.objects.select_related("organisation", "owner", "stage", "park").get(pk=x.pk) for x in leads]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_cards_say_what_the_template_said(park_leads, varied, language):
    today = timezone.localdate()
    with translation.override(language):
        for lead in varied:
            lead.overdue = selectors.is_overdue(lead, today)
        csrf = mark_safe('<input type="hidden" name="csrfmiddlewaretoken" value="t">')
        options = mark_safe('<option value="1">x</option>')
        expected = Template(CARD_TEMPLATE).render(Context(
            {"leads": varied, "csrf_input": csrf, "options": options, "query": "pipeline=1&owner=2"}))
        ids = [x.pk for x in varied]
        by_id = {c.id: c for col in selectors.board(park_leads["operator"], _filters(), per_column=10)
                 for c in col.leads}
        html = cards.board_cards([by_id[pk] for pk in ids], options=options, labels=cards.Labels.current(),
                                 csrf_input=csrf, back="/promotion/?pipeline=1&owner=2", today=today, movable=True)
    assert _same_words(html) == _same_words(expected)
    escaped = {"en": "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;",
               "zh-hans": "&lt;b&gt;&quot;恶意&quot;&lt;/b&gt;"}[language]
    assert "<script>" not in html and "<b>" not in html and escaped in html
    assert "&lt;call&gt;" in html and 'value="/promotion/?pipeline=1&amp;owner=2"' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_list_rows_say_what_the_template_said(park_leads, varied, language):
    today = timezone.localdate()
    with translation.override(language):
        for lead in varied:
            lead.overdue = selectors.is_overdue(lead, today)
        expected = Template(ROW_TEMPLATE).render(Context({"leads": varied}))
        rows = [lead for lead in selectors.lead_page(park_leads["operator"], selectors.LeadFilters(), 1).object_list
                if lead.pk in {x.pk for x in varied}]
        html = cards.list_rows(rows, labels=cards.Labels.current(), today=today)
    assert _same_words(html) == _same_words(expected)
    assert "A &amp; B &quot;plant&quot;" in html


def test_money_is_memoised_by_the_written_value_not_the_number():
    # Decimal("1E+6") == Decimal("1000000.00"), but they are written differently.
    assert cards.money(Decimal("1000000.00"), "USD", "en") == "1,000,000.00 USD"
    assert cards.money(Decimal("1000000"), "USD", "en") == "1,000,000 USD"
    assert cards.money(Decimal("120000000"), "CNY", "zh-hans") == \
        '<span class="amount" title="120,000,000 元">1.2 亿元</span>'
    assert cards.money(None, "CNY", "en") == ""


def test_a_list_page_holds_its_leads_newest_first_with_their_joins_read_once(park_leads):
    visited, contacted = park_leads["visited"], park_leads["contacted"]
    filters = selectors.LeadFilters(pipeline=pipeline())
    first = selectors.lead_page(park_leads["operator"], filters, 1, per_page=4)
    # minutes ago: visited 1, contacted 2, visited 3, visited 5 | visited 7, visited 9
    assert [x.pk for x in first.object_list] == [visited[1].pk, contacted[0].pk, visited[3].pk, visited[0].pk]
    with CaptureQueriesContext(connection) as queries:
        second = selectors.lead_page(park_leads["operator"], filters, 2, per_page=4)
        names = [(x.organisation.name_zh, x.stage.name_en, x.park.pk, x.owner.username) for x in second.object_list]
    assert len(queries.captured_queries) == 3  # count, the page's ids, those leads with their joins
    assert [x.pk for x in second.object_list] == [visited[4].pk, visited[2].pk]
    visited_name = stage("visited").name_en
    assert names == [(visited[4].organisation.name_zh, visited_name, park_leads["park"].pk, "wang"),
                     (visited[2].organisation.name_zh, visited_name, park_leads["park"].pk, "wang")]
    assert (second.paginator.count, second.has_next(), second.has_previous()) == (6, False, True)
