"""BIOPARK_MAX_UPLOAD_BYTES applies to uploaded files: a larger file is never stored; the request gets an
empty stand-in whose size tells how large the file was."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import translation

from biopark.core import uploads
from biopark.core.errors import ValidationFailed

MB = 1024 * 1024


def _posted(data: bytes, name: str = "big.csv"):
    body = encode_multipart(BOUNDARY, {"note": "hello", "file": SimpleUploadedFile(name, data)})
    return RequestFactory().generic("POST", "/upload/", body, content_type=MULTIPART_CONTENT)


def test_a_file_past_the_limit_is_replaced_by_an_empty_stand_in(settings):
    settings.BIOPARK_MAX_UPLOAD_BYTES = MB
    request = _posted(b"x" * (MB + MB // 2))
    upload = request.FILES["file"]
    assert isinstance(upload, uploads.RefusedUpload)
    assert (upload.name, upload.size, upload.file.getvalue()) == ("big.csv", MB + MB // 2, b"")  # nothing kept
    assert request.POST["note"] == "hello"  # the other fields still arrive
    with translation.override("en"):
        for attempt in (uploads.check_size, lambda f: f.read(), lambda f: list(f.chunks())):
            with pytest.raises(ValidationFailed) as refused:
                attempt(upload)
            assert refused.value.message == "the file is 1.5 MB; the limit for uploads is 1 MB"
            assert refused.value.fields == {"file": refused.value.message}


def test_a_file_at_the_limit_arrives_whole(settings):
    settings.BIOPARK_MAX_UPLOAD_BYTES = MB
    request = _posted(b"y" * MB)
    upload = request.FILES["file"]
    assert not isinstance(upload, uploads.RefusedUpload)
    assert upload.size == MB and upload.read() == b"y" * MB
    uploads.check_size(upload)  # no error


def test_a_smaller_limit_of_a_kind_of_upload_is_named_and_translated(settings):
    settings.BIOPARK_MAX_UPLOAD_BYTES = 50 * MB
    upload = SimpleUploadedFile("a.pdf", b"x" * (3 * MB))
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        uploads.check_size(upload, limit=2 * MB)
    assert refused.value.message == "文件大小为 3 MB；上传上限为 2 MB"
    uploads.check_size(upload, limit=80 * MB)  # within both limits
    settings.BIOPARK_MAX_UPLOAD_BYTES = 2 * MB
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        uploads.check_size(upload, limit=80 * MB)  # a kind's limit never exceeds the upload limit
    assert refused.value.message == "the file is 3 MB; the limit for uploads is 2 MB"


def test_megabytes_reads_as_a_person_writes_it():
    assert [uploads.megabytes(n) for n in (50 * MB, 3 * MB // 2, MB, MB // 4, 62 * MB + 5)] == ["50", "1.5", "1", "0.25", "62"]
