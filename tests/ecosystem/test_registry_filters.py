"""Registry list filters choose parks and organisations by name, with suggestions as one types (issue 11)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from biopark.accounts.models import Role
from biopark.ecosystem.models import Position
from tests.factories import OrganisationFactory, ParkFactory, PersonFactory, PlatformFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    city = ParkFactory(name_zh="成都天府国际生物城", name_en="Tianfu International Bio-City")
    other = ParkFactory(name_zh="中关村生命科学园", name_en="Zhongguancun Life Science Park")
    keymed = OrganisationFactory(name_zh="康诺亚生物医药科技有限公司", name_en="Keymed Biosciences", park=city)
    rival = OrganisationFactory(name_zh="百济神州", name_en="BeiGene", park=other)
    person = PersonFactory(name_zh="陈博", name_en="Chen Bo")
    PersonFactory(name_zh="王五", name_en="Wang Wu")
    Position.objects.create(person=person, organisation=keymed, title_zh="首席执行官")
    PlatformFactory(name_zh="抗体筛选平台", operator=keymed, park=city)
    PlatformFactory(name_zh="临床研究平台", operator=rival, park=other)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(make_user(Role.VIEWER))
    return {"client": client, "city": city, "keymed": keymed}


def _names(html: str) -> list[str]:
    body = html[html.index('id="results"'):]
    return re.findall(r'<td><a href="/[a-z]+/\d+/">([^<]+)</a></td>', body)


def test_organisations_are_filtered_by_the_parks_name(world):
    page = world["client"].get("/organisations/", {"park": "Tianfu International Bio-City"}).content.decode()
    assert _names(page) == ["康诺亚生物医药科技有限公司"]
    assert 'name="park" id="list-park" value="成都天府国际生物城"' in page  # the field shows the name, not an id


def test_an_unknown_park_name_says_so_next_to_the_field(world):
    page = world["client"].get("/organisations/", {"park": "火星园区"}).content.decode()
    assert '<span class="error" id="park-error">没有名为 火星园区 的园区。</span>' in page
    assert sorted(_names(page)) == ["康诺亚生物医药科技有限公司", "百济神州"]


def test_people_and_platforms_are_filtered_by_the_organisations_name(world):
    people = world["client"].get("/people/", {"organisation": "Keymed Biosciences"}).content.decode()
    assert _names(people) == ["陈博"]
    platforms = world["client"].get("/platforms/", {"organisation": "康诺亚生物医药科技有限公司"}).content.decode()
    assert _names(platforms) == ["抗体筛选平台"]


def test_suggestions_match_chinese_pinyin_and_english(world):
    client = world["client"]
    assert client.get("/suggest/parks/", {"park": "tianfu"}).content.decode().strip() == (
        '<option value="成都天府国际生物城">Tianfu International Bio-City</option>')
    assert client.get("/suggest/organisations/", {"organisation": "康诺亚"}).content.decode().strip() == (
        '<option value="康诺亚生物医药科技有限公司">Keymed Biosciences</option>')
    assert client.get("/suggest/organisations/", {"q": ""}).content.decode().strip() == ""
    assert client.get("/suggest/people/", {"q": "chen"}).status_code == 404


def test_no_filter_asks_for_a_number(world):
    for plural in ("parks", "organisations", "people", "platforms"):
        page = world["client"].get(f"/{plural}/").content.decode()
        form = page[page.index('<form class="filters"'):page.index("</form>")]
        assert 'type="number"' not in form and "编号" not in form
