"""Limits on what an import reads: the upload limit on the import page, the size an XLSX unpacks to
(checked before openpyxl opens it), and the number of data rows; every refusal names its limit."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from openpyxl import Workbook

from biopark.core.errors import ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.ecosystem import tabular
from biopark.ecosystem.models import Organisation

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def workbook(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_padding(xlsx: bytes, unpacked: int) -> bytes:
    """The workbook plus one part of `unpacked` zero bytes: a few kilobytes on disk."""
    out = io.BytesIO(xlsx)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * unpacked)
    return out.getvalue()


def lying_about(xlsx: bytes, part: str, size: int) -> bytes:
    """The workbook with `part` declared `size` bytes long in the zip's directory (it holds more)."""
    data = bytearray(xlsx)
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) >= 0:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length].decode() == part:
            struct.pack_into("<I", data, start + 24, size)
            return bytes(data)
        start += 4
    raise AssertionError(f"no part {part}")


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def registry() -> tuple:
    return list(Organisation.objects.order_by("pk").values()), ChangeRecord.objects.count()


def test_a_zip_bomb_workbook_is_refused_before_openpyxl_opens_it(settings, monkeypatch):
    import openpyxl

    settings.BIOPARK_MAX_UNPACKED_BYTES = 8 * MB
    bomb = with_padding(workbook([["name_zh"], ["炸弹"]]), 64 * MB)
    assert len(bomb) < 200_000  # small to upload, large to unpack

    def never(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a workbook past the limit")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(ValidationFailed) as refused:
        tabular.read_table(bomb, "xlsx")
    assert refused.value.message == "the workbook unpacks to 64 MB; the limit is 8 MB"
    assert list(refused.value.fields) == ["file"]


def test_a_sheet_that_unpacks_past_the_limit_is_refused(settings):
    settings.BIOPARK_MAX_UNPACKED_BYTES = 2 * MB
    text = "重复的长名称" * 100
    big = workbook([["name_zh", "description"]] + [[f"企业{i}", text] for i in range(3000)])
    with pytest.raises(ValidationFailed, match=r"^the workbook unpacks to \d+(\.\d)? MB; the limit is 2 MB$"):
        tabular.read_table(big, "xlsx")
    settings.BIOPARK_MAX_UNPACKED_BYTES = 256 * MB
    assert len(tabular.read_table(big, "xlsx").rows) == 3000


def test_a_part_that_holds_more_than_it_declares_is_unreadable_not_read(settings):
    """The directory's sizes bound what is read: a part that lies about its size fails its checksum."""
    rows = [["name_zh"]] + [[f"企业{i}"] for i in range(2000)]
    liar = lying_about(workbook(rows), "xl/worksheets/sheet1.xml", 400)
    with pytest.raises(ValidationFailed) as refused:
        tabular.read_table(liar, "xlsx")
    assert refused.value.message == "not a readable XLSX workbook"


def test_rows_past_the_limit_are_refused_in_every_format(settings):
    settings.BIOPARK_MAX_IMPORT_ROWS = 5
    names = [f"企业{i}" for i in range(6)]
    files = {
        "csv": ("name_zh\n" + "\n".join(names) + "\n").encode(),
        "json": ("[" + ",".join(f'{{"name_zh": "{n}"}}' for n in names) + "]").encode(),
        "xlsx": workbook([["name_zh"]] + [[n] for n in names]),
    }
    for fmt, data in files.items():
        with pytest.raises(ValidationFailed) as refused:
            tabular.read_table(data, fmt)
        assert refused.value.message == "the file has more than 5 data rows; split it into files of at most 5 rows", fmt
    settings.BIOPARK_MAX_IMPORT_ROWS = 6
    assert {fmt: len(tabular.read_table(data, fmt).rows) for fmt, data in files.items()} == {
        "csv": 6, "json": 6, "xlsx": 6
    }


@pytest.mark.django_db
def test_the_import_page_refuses_a_file_past_the_upload_limit_and_names_it(roles, settings):
    settings.BIOPARK_MAX_UPLOAD_BYTES = MB
    zone = roles["zone"]
    line = f"上传过大的企业名称,{zone.pk}\n".encode()
    data = b"name_zh,park\n" + line * (MB // len(line) + 2000)
    assert MB < len(data) < 2 * MB
    before = registry()
    client = signed_in(roles["users"]["operator"])
    page = client.post("/import/", {"type": "organisations", "apply": "1", "file": SimpleUploadedFile("big.csv", data)})
    assert page.status_code == 422
    assert f"the file is {len(data) / MB:.1f} MB; the limit for uploads is 1 MB" in page.content.decode()
    assert registry() == before
    assert "at most 1 MB and 200,000 rows" in client.get("/import/").content.decode()


@pytest.mark.django_db
def test_the_import_page_refuses_a_zip_bomb_workbook(roles, settings):
    settings.BIOPARK_MAX_UNPACKED_BYTES = 8 * MB
    bomb = with_padding(workbook([["name_zh", "park"], ["炸弹企业", roles["zone"].pk]]), 64 * MB)
    before = registry()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(roles["users"]["operator"])
    page = client.post("/import/", {"type": "organisations", "apply": "1", "file": SimpleUploadedFile("b.xlsx", bomb)})
    assert page.status_code == 422
    assert "该工作簿解压后为 64 MB；上限为 8 MB" in page.content.decode()
    assert registry() == before
