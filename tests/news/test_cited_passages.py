"""A record's page shows the passage each citation cites, the span highlighted, also when the source is a news
document (read through the passage providers of biopark.core.passages, not from the corpus folder): on
organisation, agreement, event, project and target pages; only to readers who may see the document; in a
fixed number of queries however many documents are cited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from biopark.accounts.models import Role
from biopark.accounts.policy import SYSTEM
from biopark.core import passages
from biopark.core.models import Citation, Source
from biopark.deals import services as deals
from biopark.news import services
from biopark.news.models import Proposal
from tests.factories import OrganisationFactory, make_user
from tests.news.conftest import ARTICLE
from tests.pipeline.factories import ProjectFactory

pytestmark = pytest.mark.django_db

# ARTICLE[18:30] is the company's name; the whole article fits in the context either side.
HIGHLIGHTED = ('<blockquote class="passage" translate="no">北京亦庄生物医药管委会主任严明出席。'
               '<mark>苏州沐光生物科技有限公司</mark>与北京亦庄生物医药管委会签署合作协议，总投资约3亿元。</blockquote>')


def _ingest(world, title="亦庄新闻"):
    return services.document_ingest(actor=world["operator"], incoming=services.Incoming(
        text=ARTICLE, title=title, publisher="亦庄发布", published="2025-05-01"))


def _cite(record, document, start=18, end=30):
    return Citation.objects.create(record=record, source=document.source, span_start=start, span_end=end)


def _page(user, url):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _records(world):
    org = world["org"]
    agreement = deals.agreement_create(
        actor=SYSTEM, data={"title_en": "Co-operation", "kind": "cooperation", "confidentiality": "public"},
        parties=[(org, "partner"), (OrganisationFactory(park=world["park"]), "partner")])
    event = deals.event_create(actor=SYSTEM, data={"kind": "signing", "title_en": "Signing day",
                                                   "park": world["park"], "visibility": "public"})
    project = ProjectFactory(organisation=org, visibility="public")
    return {f"/organisations/{org.pk}/": org, f"/deals/{agreement.pk}/": agreement,
            f"/deals/events/{event.pk}/": event, f"/pipeline/{project.pk}/": project}


def test_every_record_page_highlights_the_passage_of_a_news_document(world):
    document = _ingest(world)
    for url, record in _records(world).items():
        _cite(record, document)
        html = _page(world["operator"], url)
        assert (url, html.count(HIGHLIGHTED)) == (url, 1)
        assert (url, f'<a href="/news/{document.pk}/">亦庄新闻</a>' in html) == (url, True)


def test_a_reader_who_may_not_see_the_document_sees_the_source_but_not_its_text(world):
    document = _ingest(world)
    _cite(world["org"], document)
    viewer = make_user(Role.VIEWER)
    html = _page(viewer, f"/organisations/{world['org'].pk}/")
    assert "亦庄新闻" in html
    assert ("<mark>" in html, "签署合作协议" in html, f"/news/{document.pk}/" in html) == (False, False, False)


def test_a_span_outside_the_text_shows_no_passage(world):
    document = _ingest(world)
    citation = _cite(world["org"], document, start=10, end=len(ARTICLE) + 5)
    assert passages.passages_for(world["operator"], [citation]) == {}


def test_the_page_reads_passages_of_many_documents_in_as_many_queries_as_of_one(world):
    org, url = world["org"], f"/organisations/{world['org'].pk}/"
    _cite(org, _ingest(world, "一"))
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world["operator"])
    client.get(url)  # warm the per-process caches (content types, settings)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for title in ("二", "三", "四"):
        _cite(org, _ingest(world, title))
    with CaptureQueriesContext(connection) as four:
        html = client.get(url).content.decode()
    assert html.count("<mark>苏州沐光生物科技有限公司</mark>") == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_a_corpus_article_is_highlighted_with_its_context(world, settings, tmp_path):
    settings.CORPUS_DIR = tmp_path
    (tmp_path / "article.txt").write_text("x" * 70 + "苏州沐光" + "y" * 70, encoding="utf-8")
    citation = Citation.objects.create(record=world["org"], source=Source.objects.create(key="article.txt"),
                                       span_start=70, span_end=74)
    found = passages.passages_for(world["operator"], [citation])
    assert found == {citation.pk: passages.Passage("…" + "x" * 60, "苏州沐光", "y" * 60 + "…")}
    outside = Citation.objects.create(record=world["org"], source=Source.objects.create(key="../secret.txt"),
                                      span_start=0, span_end=3)
    (tmp_path.parent / "secret.txt").write_text("top secret", encoding="utf-8")
    assert passages.passages_for(world["operator"], [outside]) == {}


def test_an_agreement_page_lists_the_documents_that_mention_it(world):
    document = _ingest(world)
    agreement = next(record for url, record in _records(world).items() if url.startswith("/deals/"))
    Proposal.objects.create(document=document, type="agreement", record=f"agreement:{agreement.pk}")
    html = _page(world["operator"], f"/deals/{agreement.pk}/")
    listed = html[html.index('<ul id="news-mentions">'):]
    assert listed[:listed.index("</ul>")].count(f'<a href="/news/{document.pk}/">亦庄新闻</a>') == 1
