"""The upload forms (registry and observation imports, deal documents, lead documents, service-request
attachments) given real small bad files — the wrong type, wrong columns, a bad date, an unknown park, an empty
file, a file that is not what its name says — in the pseudo-locale, Simplified Chinese and English: the
refusal or the import's report passes through translation (tests/i18n/crawl.py, Crawl.upload)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.i18n.crawl import BAD_FILES, Crawl, data_values
from tests.i18n.test_pages import vocabulary_labels
from tests.i18n.visible import CLDR_ENGLISH_NAMES, DataMask, chinese_in_english

pytestmark = pytest.mark.django_db

# (role, page holding an upload form); the page's records come from the world.
UPLOAD_PAGES = [
    ("admin", lambda w: "/import/"),
    ("admin", lambda w: "/metrics/import/"),
    ("admin", lambda w: f"/deals/{w['agreement'].pk}/"),
    ("operator", lambda w: f"/promotion/leads/{w['lead'].pk}/"),
    ("member", lambda w: f"/services/{w['service'].pk}/"),
    ("member", lambda w: f"/services/requests/{w['request'].pk}/"),
]


@pytest.fixture(scope="module", params=["pseudo", "zh-hans", "en"])
def language(request: pytest.FixtureRequest, pseudo_locale: str) -> str:
    return pseudo_locale if request.param == "pseudo" else request.param


def test_bad_files_get_translated_answers(module_world: dict[str, Any], language: str):
    mask = DataMask(data_values())
    if not language.startswith("zh"):
        mask = mask.with_extra(CLDR_ENGLISH_NAMES | vocabulary_labels())
    check = chinese_in_english if language == "en" else None
    findings: dict[str, list[str]] = {}
    uploads = 0
    for who, page in UPLOAD_PAGES:
        client = Client(raise_request_exception=False)
        client.cookies["django_language"] = language
        client.force_login(module_world["users"][who])
        crawl = Crawl(client=client, mask=mask, who=who, check=check)
        url = page(module_world)
        crawl.seen.add(("/no-follow/", ()))
        response = client.get(url)
        assert response.status_code == 200, url
        from tests.i18n.crawl import FormsAndLinks

        parser = FormsAndLinks()
        parser.feed(response.content.decode())
        forms = [f for f in parser.forms if any(kind == "file" for _, kind, _ in f.fields)]
        assert forms, f"no upload form on {url}"
        for form in forms:
            crawl.upload(url, form.action and form.action or url, form)
        uploads += crawl.uploads
        findings.update(crawl.findings)
    assert uploads == len(UPLOAD_PAGES) * len(BAD_FILES)
    assert not findings, "\n".join(f"{k}\n    " + "\n    ".join(map(repr, v)) for k, v in sorted(findings.items()))
