"""The deals the five articles state: events with their participants, agreements signed there, signatories,
CMG901's licence; each citing a passage that names it, and loaded idempotently."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from biopark.core.models import ChangeRecord, Citation
from biopark.deals import selectors
from biopark.deals.models import Agreement, Event, EventParticipant, LicenceTerms, Signatory
from biopark.demo.deals import load as load_deals
from biopark.demo.loader import load_files
from tests.demo.test_demo_data_files import _names

DOCS = {doc["source"]["file"].removesuffix(".txt"): doc for doc in load_files()}
PEOPLE = {p["key"]: p for doc in DOCS.values() for p in doc.get("people") or []}
ORGS = {o["key"]: o for doc in DOCS.values() for o in doc.get("organisations") or []}
PARKS = {p["key"]: p for doc in DOCS.values() for p in doc.get("parks") or []}


def _text(stem: str) -> str:
    path = settings.CORPUS_DIR / f"{stem}.txt"
    if not path.is_file():
        pytest.skip("../shared/corpus not present: citation spans not checked")
    return path.read_text(encoding="utf-8")


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def test_every_event_passage_names_a_participant_an_organiser_or_its_place():
    for stem, doc in DOCS.items():
        for event in doc.get("events") or []:
            passage = _norm(_text(stem)[event["cite"]["start"]:event["cite"]["end"]])
            names = [n for p in event["participants"] for n in _names(PEOPLE[p["person"]])]
            names += [n for o in event["organisers"] for n in _names(ORGS[o])]
            names += [event["place_en"], event["place_zh"], *_names(PARKS[event["park"]])]
            assert any(_norm(n) in passage for n in names if n), event["key"]


def test_the_signatories_passage_names_each_signatory():
    for stem, doc in DOCS.items():
        for agreement in doc.get("agreements") or []:
            if not agreement.get("signatories"):
                continue
            cite = agreement["signatories_cite"]
            passage = _norm(_text(stem)[cite["start"]:cite["end"]])
            for s in agreement["signatories"]:
                assert any(_norm(n) in passage for n in _names(PEOPLE[s["person"]]) if n), s["person"]


def test_the_cmg901_licence_passage_states_its_value_and_exclusivity():
    licence = DOCS["003_bde207d968dfe5fb"]["licences"][0]
    passage = _text("003_bde207d968dfe5fb")[licence["cite"]["start"]:licence["cite"]["end"]]
    assert "exclusive global licensing" in passage and "1.2 billion US dollars" in passage
    assert "Konoya" in passage  # the garbled name, kept as Keymed's alias


@pytest.mark.django_db
def test_the_demo_loads_events_signings_and_the_licence_with_citations(demo_data):
    icgeb = Agreement.objects.get(key="agreement:icgeb-china-rrc-2020")
    signing = Event.objects.get(key="event:icgeb-china-rrc-signing-2020")
    assert icgeb.event_id == signing.pk
    assert (icgeb.status, icgeb.confidentiality) == ("signed", "public")
    assert sorted(Signatory.objects.filter(agreement=icgeb).values_list("person__key", "title_en")) == [
        ("person:fan-ling", "Deputy Director"),
        ("person:gu-ping", "Director of the Management Committee"),
        ("person:lawrence-banks", "Director-General"),
    ]
    assert signing.participants.count() == 7
    assert Agreement.objects.get(key="agreement:cncbd-icgeb-mou-2015").kind == "cooperation"
    assert Agreement.objects.get(key="agreement:chengdu-hitech-griffith").kind == "research"

    cmg901 = Agreement.objects.get(key="agreement:keymed-az-cmg901")
    assert (cmg901.kind, cmg901.value_amount, cmg901.value_currency) == ("licensing", Decimal("1200000000"), "USD")
    terms = LicenceTerms.objects.get(agreement=cmg901)
    assert (terms.exclusivity, terms.territory_en, terms.upfront_amount) == ("exclusive", "Worldwide", None)
    assert list(cmg901.party_links.values_list("organisation__key", "role").order_by("role")) == [
        ("org:astrazeneca", "licensee"), ("org:keymed", "licensor")]
    keymed_aliases = cmg901.party_links.get(role="licensor").organisation.aliases
    assert "Konoya" in keymed_aliases

    conference = Event.objects.get(key="event:cbic-2023")
    totals = selectors.totals_by_event(None, [conference.pk])[conference.pk]
    assert (totals.count, totals.sums) == (3, [])
    cited = Citation.objects.filter(content_type=ContentType.objects.get_for_model(Event)).values_list(
        "object_id", flat=True)
    # Every event the articles state is cited; the financing demo's synthetic roadshow is marked, not cited.
    assert Event.objects.filter(synthetic=True).values_list("key", flat=True).get() == "event:synthetic-spring-roadshow"
    assert set(Event.objects.filter(synthetic=False).values_list("pk", flat=True)) <= set(cited)


@pytest.mark.django_db
def test_loading_the_deals_twice_changes_nothing(demo_data):
    def rows():
        # The rows themselves, ids included: a second load that rewrote participants or signatories under new
        # ids would change them even with the same counts.
        return (ChangeRecord.objects.count(), Citation.objects.count(), list(Event.objects.order_by("id").values()),
                list(Signatory.objects.order_by("id").values()), list(EventParticipant.objects.order_by("id").values()),
                list(LicenceTerms.objects.values()))

    before = rows()
    assert load_deals(load_files(), log=lambda _m: None) == {}
    assert rows() == before
