"""Who may ingest and review: operators within their park and administrators; enterprises, investors,
platform managers, viewers and anonymous visitors may not (and see no link), and a refused review writes
nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from biopark.accounts import policy
from biopark.core.nav import links_for
from biopark.news import services
from biopark.news.models import Document, Proposal
from tests.factories import OrganisationFactory, ParkFactory, make_user
from tests.news.conftest import ARTICLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(world):
    return services.document_ingest(actor=world["operator"], incoming=services.Incoming(text=ARTICLE))


@pytest.mark.parametrize("role, status", [("admin", 200), ("operator", 200), ("enterprise_member", 403),
                                          ("investor", 403), ("platform_manager", 403), ("viewer", 403)])
def test_news_pages_by_role(world, document, role, status):
    user = world["operator"] if role == "operator" else make_user(
        role, organisation=OrganisationFactory(park=world["park"]) if role != "admin" else None)
    client = Client()
    client.force_login(user)
    assert client.get("/news/").status_code == status
    assert client.get(f"/news/{document.pk}/").status_code == status
    assert ("news" in [link.key for link in links_for(policy.actor_for(user))]) == (status == 200)
    before = list(Document.objects.values())
    response = client.post("/news/", {"text": ARTICLE})
    assert response.status_code == (302 if status == 200 else 403)
    if status != 200:
        assert list(Document.objects.values()) == before


def test_anonymous_visitors_are_sent_to_sign_in(document):
    response = Client().get("/news/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_operator_of_another_park_neither_sees_nor_reviews(world, document):
    other = make_user("operator", park=ParkFactory())
    client = Client()
    client.force_login(other)
    assert client.get(f"/news/{document.pk}/").status_code == 404
    proposal = document.proposals.order_by("position").first()
    before = list(Proposal.objects.values())
    assert client.post(f"/news/{document.pk}/proposals/{proposal.pk}/accept").status_code == 404
    assert list(Proposal.objects.values()) == before
    assert list(Document.objects.filter(policy.visible_filter(other, Document))) == []
    with pytest.raises(Exception) as info:
        services.proposal_reject(actor=other, proposal=proposal)
    assert info.value.__class__.__name__ == "PermissionRefused"
    assert list(Proposal.objects.values()) == before
