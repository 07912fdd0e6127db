"""One deals world per test module: a park tree, parties in and out of it, a user per role, and one agreement
and one IP asset per confidentiality."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from biopark.accounts.models import Role
from biopark.accounts.policy import SYSTEM
from biopark.deals import services
from tests.factories import OrganisationFactory, ParkFactory, PersonFactory, make_user


def build_deals_world() -> dict[str, Any]:
    park = ParkFactory(name_zh="高新区", name_en="Hi-tech Zone")
    zone = ParkFactory(name_zh="生物城", name_en="Bio-City", parent=park)
    other_park = ParkFactory(name_zh="别的园区", name_en="Other Park")
    own = OrganisationFactory(park=zone, name_en="Own Bio")
    neighbour = OrganisationFactory(park=park, name_en="Neighbour Bio")
    rival = OrganisationFactory(park=other_park, name_en="Rival Bio")
    abroad = OrganisationFactory(park=None, name_en="Global Pharma")
    users = {
        "admin": make_user(Role.ADMIN),
        "operator": make_user(Role.OPERATOR, park=park),
        "other_operator": make_user(Role.OPERATOR, park=other_park),
        "member": make_user(Role.ENTERPRISE_MEMBER, organisation=own),
        "manager": make_user(Role.PLATFORM_MANAGER, organisation=own),
        "neighbour": make_user(Role.ENTERPRISE_MEMBER, organisation=neighbour),
        "rival": make_user(Role.ENTERPRISE_MEMBER, organisation=rival),
        "investor": make_user(Role.INVESTOR),
        "viewer": make_user(Role.VIEWER),
        "anonymous": AnonymousUser(),
    }
    person = PersonFactory(name_en="Signing Person")
    agreements, assets = {}, {}
    for level in ("parties", "park", "public"):
        agreements[level] = services.agreement_create(
            actor=SYSTEM,
            data={"title_en": f"{level} licence", "kind": "licensing", "confidentiality": level,
                  "value_amount": "1000000", "value_currency": "CNY"},
            parties=[(own, "licensor"), (abroad, "licensee")],
            signatories=[services.SignatoryIn(person=person, organisation=own)],
        )
        assets[level] = services.ip_asset_create(
            actor=SYSTEM, data={"number": f"CN2024{level}", "title_en": f"{level} patent", "confidentiality": level},
            owners=[own],
        )
    return {"park": park, "zone": zone, "other_park": other_park, "own": own, "neighbour": neighbour,
            "rival": rival, "abroad": abroad, "users": users, "person": person, "agreements": agreements,
            "assets": assets}


@pytest.fixture(scope="module")
def deals_world(module_db: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return build_deals_world()
