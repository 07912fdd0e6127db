"""Every e-mail the product sends is written in its recipient's language: subject and body through
translation, states by their labels, no English (or Chinese) from code. Each one is triggered for recipients
who chose the pseudo-locale, Simplified Chinese or English, while the person causing it uses another language,
and django.core.mail.outbox is judged as the page crawl judges a page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation

from tests.i18n.crawl import data_values
from tests.i18n.visible import CLDR_ENGLISH_NAMES, DataMask, chinese_in_english, offending

pytestmark = pytest.mark.django_db

# The site's test host appears bare in the reset e-mail ("… on testserver."): an address, not text.
ADDRESSES = {"testserver", "example.com"}
_LINK = re.compile(r"https?://\S+")


@pytest.fixture(scope="module", params=["pseudo", "zh-hans", "en"])
def language(request: pytest.FixtureRequest, pseudo_locale: str) -> str:
    return pseudo_locale if request.param == "pseudo" else request.param


def _other(language: str) -> str:
    """A language the person causing the e-mail uses, different from the recipient's."""
    return "en" if language.startswith("zh") else "zh-hans"


@pytest.fixture
def readers(module_world: dict[str, Any], language: str) -> Iterator[dict[str, Any]]:
    """Every world user has an address and chose `language` on the site (rolled back after the test)."""
    from biopark.accounts.models import Profile

    with transaction.atomic():
        Profile.objects.update(language=language)
        for user in module_world["users"].values():
            if user is not None:
                user.email = f"{user.username}@example.org"
                user.save(update_fields=["email"])
                user.refresh_from_db()
                user.profile.refresh_from_db()
        mail.outbox = []
        yield module_world
        transaction.set_rollback(True)


def _judge(language: str) -> list[str]:
    """The subject and body lines of each message in the outbox that show untranslated text."""
    assert mail.outbox, "the action sent no e-mail"
    mask = DataMask(data_values() | ADDRESSES)
    if not language.startswith("zh"):
        mask = mask.with_extra(CLDR_ENGLISH_NAMES)  # the pseudo-locale's dates are formatted like English ones
    check = chinese_in_english if language == "en" else None
    found = []
    for message in mail.outbox:
        # A link is an address, not text (the mask would otherwise cut the host out of it first).
        texts = [_LINK.sub(" ", t) for t in (message.subject, *message.body.splitlines())]
        found += [f"{message.to} {t}" for t in offending(texts, mask, check)]
        if language.startswith("zh"):
            assert any("\u4e00" <= c <= "\u9fff" for c in message.subject), message.subject
    return found


def _sent(trigger: Callable[[], Any], capture: Any) -> None:
    with transaction.atomic(), capture(execute=True):
        trigger()


def test_password_reset_mail(readers, language):
    member = readers["users"]["member"]
    client = Client(raise_request_exception=True)
    client.cookies["django_language"] = _other(language)
    response = client.post("/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert _judge(language) == []


def test_service_desk_mails(readers, language, django_capture_on_commit_callbacks):
    from biopark.services import services
    from biopark.services.models import State

    def trigger() -> None:
        with translation.override(_other(language)):
            request = services.request_submit(actor=readers["users"]["member"], service=readers["service"],
                                              title="Stability test")
            services.request_transition(actor=readers["users"]["platform_manager"], request=request,
                                        to_state=State.ACCEPTED, reason="Scheduled")

    _sent(trigger, django_capture_on_commit_callbacks)
    assert len(mail.outbox) >= 2
    assert _judge(language) == []


def test_wait_list_mail(readers, language, django_capture_on_commit_callbacks):
    from biopark.accounts.models import Profile, Role
    from biopark.facilities import services
    from biopark.facilities.models import Booking
    from tests.factories import make_user

    booking = Booking.objects.get(pk=readers["booking"].pk)
    waiter = make_user(Role.ENTERPRISE_MEMBER, organisation=readers["enterprise"], email="waiter@example.org")
    Profile.objects.filter(user=waiter).update(language=language)

    def trigger() -> None:
        services.waitlist_join(actor=waiter, resource=readers["resource"], start=booking.start, end=booking.end)
        with translation.override(_other(language)):
            services.booking_cancel(actor=readers["users"]["member"], booking=booking,
                                    now=timezone.now() - dt.timedelta(days=1))

    _sent(trigger, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[waiter.email]]
    assert _judge(language) == []


def test_financing_introduction_mail(readers, language, django_capture_on_commit_callbacks):
    from biopark.accounts.models import Profile, Role
    from biopark.ecosystem.models import Organisation
    from biopark.financing import services
    from tests.factories import OrganisationFactory, make_user

    def trigger() -> None:
        investor = OrganisationFactory(kind=Organisation.Kind.INVESTOR, name_en="Capital Partners")
        partner = make_user(Role.INVESTOR, organisation=investor, email="partner@example.org")
        Profile.objects.filter(user=partner).update(language=language)
        with translation.override(_other(language)):
            services.introduction_create(actor=readers["users"]["admin"], project=readers["project"],
                                         investor=investor)

    _sent(trigger, django_capture_on_commit_callbacks)
    assert len(mail.outbox) >= 2  # the investor's people and the project's team
    assert _judge(language) == []


def test_mail_follows_the_language_the_user_chose_on_the_site(module_world):
    """The language switch remembers a signed-in user's choice; a reset e-mail is then written in it."""
    member = module_world["users"]["member"]
    with transaction.atomic():
        member.email = "member@example.org"
        member.save(update_fields=["email"])
        client = Client()
        client.force_login(member)
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        member.profile.refresh_from_db()
        assert member.profile.language == "en"
        mail.outbox = []
        chinese = Client()
        chinese.cookies["django_language"] = "zh-hans"
        chinese.post("/accounts/password/reset/", {"email": member.email})
        assert mail.outbox[0].subject == "Reset your BioPark password"
        transaction.set_rollback(True)
