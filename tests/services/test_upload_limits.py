"""Attachments obey the upload limit (BIOPARK_MAX_UPLOAD_BYTES) as well as their own: a larger file is
never stored, on the page and over the API, and the message names the limit in MB."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from biopark.services import services
from biopark.services.models import Attachment
from tests.conftest import assert_api_error
from tests.factories import OrganisationFactory
from tests.services.factories import ServiceFactory

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture
def request_of_member(roles, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    provider_org = OrganisationFactory(park=roles["zone"])
    service = ServiceFactory(provider_organisation=provider_org, park=roles["zone"])
    member = roles["users"]["enterprise_member"]
    req = services.request_submit(actor=member, service=service, title="Tox study")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    return req, client, tmp_path


def big_text() -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.txt", b"a" * (MB + MB // 2), content_type="text/plain")


def test_the_page_refuses_an_attachment_past_the_upload_limit(request_of_member, settings):
    req, client, media = request_of_member
    settings.BIOPARK_MAX_UPLOAD_BYTES = MB  # below the attachments' own 10 MB
    page = client.post(f"/services/requests/{req.pk}/attach", {"file": big_text()}, HTTP_HX_REQUEST="true")
    assert page.status_code == 422
    assert "the file is 1.5 MB; the limit for uploads is 1 MB" in page.content.decode()
    assert Attachment.objects.count() == 0 and list(media.rglob("*.txt")) == []


def test_the_api_refuses_an_attachment_past_the_upload_limit(request_of_member, settings):
    req, client, media = request_of_member
    settings.BIOPARK_MAX_UPLOAD_BYTES = MB
    error = assert_api_error(
        client.post(f"/api/v1/services/requests/{req.pk}/attachments", {"file": big_text()}), 422, "file"
    )
    assert error["message"] == "the file is 1.5 MB; the limit for uploads is 1 MB"
    assert Attachment.objects.count() == 0 and list(media.rglob("*.txt")) == []


def test_the_attachments_own_smaller_limit_is_named_in_mb(request_of_member, settings):
    req, client, _media = request_of_member
    settings.BIOPARK_ATTACHMENT_MAX_BYTES = MB
    error = assert_api_error(
        client.post(f"/api/v1/services/requests/{req.pk}/attachments", {"file": big_text()}), 422, "file"
    )
    assert error["message"] == "the file is 1.5 MB; the limit for uploads is 1 MB"
    assert Attachment.objects.count() == 0
