"""Factories for tests: small, valid records with the derived fields filled in."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from biopark.accounts.models import Profile, Role
from biopark.core.text import han_bigrams, match_key, search_blob
from biopark.ecosystem.models import Organisation, Park, Person, Platform, Position


class _Named(factory.django.DjangoModelFactory):
    aliases: list[str] = []

    @factory.lazy_attribute
    def search_text(self) -> str:
        return search_blob(self.name_zh, self.name_en, aliases=self.aliases)

    @factory.lazy_attribute
    def search_grams(self) -> str:
        return han_bigrams(self.search_text)


class ParkFactory(_Named):
    class Meta:
        model = Park

    name_zh = factory.Sequence(lambda n: f"测试园区{n}")
    name_en = factory.Sequence(lambda n: f"Test Park {n}")
    public_directory = False


class OrganisationFactory(_Named):
    class Meta:
        model = Organisation

    name_zh = factory.Sequence(lambda n: f"测试企业{n}")
    name_en = factory.Sequence(lambda n: f"Test Enterprise {n}")
    kind = Organisation.Kind.ENTERPRISE
    park = factory.SubFactory(ParkFactory)

    @factory.lazy_attribute
    def match_key(self) -> str:
        return match_key(self.name_zh or self.name_en)


class PersonFactory(_Named):
    class Meta:
        model = Person

    name_zh = factory.Sequence(lambda n: f"张{n}")
    name_en = factory.Sequence(lambda n: f"Zhang {n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title_zh = "主任"
    title_en = "Director"


class PlatformFactory(_Named):
    class Meta:
        model = Platform

    name_zh = factory.Sequence(lambda n: f"测试平台{n}")
    name_en = factory.Sequence(lambda n: f"Test Platform {n}")
    kind = Platform.Kind.SCREENING
    operator = factory.SubFactory(OrganisationFactory)
    park = factory.SelfAttribute("operator.park")
    stages = ["discovery", "preclinical"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    # Hashed before the one insert (`UserFactory(password=...)` hashes the given one), with the hasher in force.
    password = factory.Transformer("correct-horse-9", transform=make_password)


def make_user(role: str, *, organisation: Organisation | None = None, park: Park | None = None, **kw) -> User:
    """A user with a profile of the given role (see biopark.accounts.models.Role): one insert for each."""
    if role == Role.ADMIN:
        kw.setdefault("is_staff", True)
    user = UserFactory(**kw)
    Profile.objects.create(user=user, role=role, organisation=organisation, park=park)
    return user
