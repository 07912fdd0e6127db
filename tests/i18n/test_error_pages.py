"""403, 404 and 500 pages are in the site's layout (navigation, language switch) and language, with a way
back to the start page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import Client, RequestFactory
from django.utils import translation

from biopark.accounts.models import Role
from biopark.core.handlers import server_error
from tests.factories import make_user
from tests.i18n.visible import DataMask, offending, visible_texts

pytestmark = pytest.mark.django_db

HEADINGS = {"zh-hans": {403: "无权访问", 404: "未找到", 500: "服务器错误"},
            "en": {403: "Not allowed", 404: "Not found", 500: "Server error"}}


def _page(status: int, language: str) -> tuple[int, str]:
    """The page's status and HTML; the signed-in user's name is data on it."""
    if status == 500:
        request = RequestFactory().get("/organisations/", HTTP_ACCEPT_LANGUAGE=language)
        request.user = AnonymousUser()
        with translation.override(language):
            response = server_error(request)
        return response.status_code, response.content.decode()
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if status == 403:
        client.force_login(make_user(Role.VIEWER))
        response = client.get("/organisations/new/")
    else:
        response = client.get("/no/such/page/")
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("status", [403, 404, 500])
def test_error_pages_have_the_layout_and_the_language(status, language):
    code, html = _page(status, language)
    assert code == status
    assert '<nav class="mainnav">' in html and 'id="lang-switch"' in html
    assert f"<h1>{HEADINGS[language][status]}</h1>" in html
    assert '<a href="/">' in html  # the way back
    if language == "zh-hans":
        names = DataMask(User.objects.values_list("username", flat=True))
        assert offending(visible_texts(html), names) == []
