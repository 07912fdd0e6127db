"""The demo data set loads into the registry, cites its articles, and loads twice without change."""

import pytest
from django.contrib.contenttypes.models import ContentType

from biopark.accounts.models import Profile
from biopark.core.models import ChangeRecord, Citation
from biopark.deals.models import Agreement
from biopark.demo.loader import ensure_demo_users, load_demo
from biopark.ecosystem import selectors
from biopark.ecosystem.models import Organisation, Park, Person, Platform
from tests.demo.test_demo_data_files import ELLIPTICAL

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def registry_demo(registry_demo_data):
    """The registry part of the demo (load_demo, ensure_demo_users), once for this module (each test runs in its
    own savepoint)."""


@pytest.fixture
def demo(registry_demo, db):
    return None


def find(model, q):
    return list(selectors.record_list(model=model, user=Profile.objects.get(user__username="viewer").user, q=q))


def test_demo_is_idempotent(demo):
    counts = (Park.objects.count(), Organisation.objects.count(), Person.objects.count(), Platform.objects.count(),
              Citation.objects.count(), ChangeRecord.objects.count(), Agreement.objects.count())
    assert counts[0] >= 10 and counts[1] >= 50 and counts[2] >= 20 and counts[3] >= 10
    load_demo(log=lambda _msg: None)
    ensure_demo_users()
    assert (Park.objects.count(), Organisation.objects.count(), Person.objects.count(), Platform.objects.count(),
            Citation.objects.count(), ChangeRecord.objects.count(), Agreement.objects.count()) == counts


@pytest.mark.parametrize("q", ["Yizhuang", "亦庄", "BDA", "yi zhuang", "北京經濟技術開發區"])
def test_bda_found_by_every_name(demo, q):
    assert "park:bda" in [p.key for p in find(Park, q)]


def test_garbled_names_are_aliases_of_the_correct_record(demo):
    keymed = Organisation.objects.get(key="org:keymed")
    assert "Konoya" in keymed.aliases and keymed.name_en.startswith("Keymed")
    assert [o.key for o in find(Organisation, "Konoya")] == ["org:keymed"]


def test_nesting_and_agreements(demo):
    biocity = Park.objects.get(key="park:tianfu-biocity")
    assert biocity.parent.key == "park:chengdu-hitech"
    licence = Agreement.objects.get(key="agreement:keymed-az-cmg901")
    assert (licence.value_amount, licence.value_currency) == (1_200_000_000, "USD")
    assert sorted(licence.party_links.values_list("organisation__key", "role")) == [
        ("org:astrazeneca", "licensee"), ("org:keymed", "licensor")]


def test_every_registry_record_cites_an_article(demo):
    for model in (Park, Organisation, Person, Platform):
        ct = ContentType.objects.get_for_model(model)
        cited = set(Citation.objects.filter(content_type=ct).values_list("object_id", flat=True))
        uncited = model.objects.exclude(pk__in=cited).values_list("key", flat=True)
        assert list(uncited) == [], model.__name__


def test_cited_passages_name_their_record(demo, corpus_dir, settings):
    settings.CORPUS_DIR = corpus_dir
    ct = ContentType.objects.get_for_model(Organisation)
    checked = 0
    for citation in Citation.objects.filter(content_type=ct).select_related("source"):
        org = Organisation.objects.get(pk=citation.object_id)
        passage = selectors.passage(citation).lower()
        names = [n.lower() for n in (org.name_en, org.name_zh, *org.aliases, *ELLIPTICAL.get(org.key, [])) if n]
        assert any(n in passage for n in names), (org.key, passage[:120])
        checked += 1
    assert checked >= 50


def test_demo_users_have_one_role_each(demo):
    roles = dict(Profile.objects.values_list("user__username", "role"))
    assert roles == {"admin": "admin", "operator": "operator", "platform": "platform_manager",
                     "enterprise": "enterprise_member", "investor": "investor", "viewer": "viewer"}
    assert Profile.objects.get(user__username="operator").park.key == "park:chengdu-hitech"


def test_every_demo_user_signs_in_with_the_demo_password(demo, settings):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password

    from biopark.accounts.demo_users import DEMO_PASSWORD, DEMO_USERS

    # The module's demo was built before the tests' fast hasher was set: accept both hashers here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    hashes = dict(get_user_model().objects.filter(username__in=[u for u, _r, _a in DEMO_USERS])
                  .values_list("username", "password"))
    assert sorted(hashes) == sorted(u for u, _r, _a in DEMO_USERS)
    (shared,) = set(hashes.values())  # hashed once for all of them
    assert check_password(DEMO_PASSWORD, shared) and not check_password(DEMO_PASSWORD + "x", shared)


def test_the_article_lead_stores_chinese_and_reads_english_on_english_pages(demo, client):
    from django.utils import translation

    from biopark.promotion import demo_texts
    from biopark.promotion.models import Lead

    lead = Lead.objects.get(project=demo_texts.FACT_PROJECT)
    assert (lead.description, lead.next_action, list(lead.activities.values_list("summary", flat=True))) == (
        demo_texts.FACT_DESCRIPTION, demo_texts.FACT_NEXT_ACTION, [demo_texts.FACT_SUMMARY])
    client.force_login(Profile.objects.get(user__username="admin").user)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        # The change history shows what was stored, as stored; the record above it reads in the page's language.
        html = client.get(f"/promotion/leads/{lead.pk}/").content.decode().split('id="history"')[0]
    assert "Foreign resources and joint roadshow promotion for Jingyue&#x27;s incubators</h1>" in html
    assert "Agree the joint roadshow projects with the foreign affairs office" in html
    assert demo_texts.FACT_PROJECT not in html
