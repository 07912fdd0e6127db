"""Documents in: pasted text and each file type are stored with their text, title, source, date and language
and the proposals extracted from them; every bad document is a clear error naming the field and writes
nothing; several files become a background batch with progress; `biopark ingest` queues the same."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from biopark.core.models import Source
from biopark.news.models import Document, Proposal
from tests.news.conftest import ARTICLE, docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def rows() -> tuple[list, list, list]:
    return (list(Document.objects.values()), list(Proposal.objects.values()), list(Source.objects.values()))


@pytest.fixture
def client(world) -> Client:
    c = Client()
    c.force_login(world["operator"])
    return c


def test_pasted_text_is_stored_with_its_proposals(client, world):
    response = client.post("/news/", {"text": ARTICLE, "publisher": "亦庄发布", "published": "2025-05-01",
                                      "title": ""})
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/news/{document.pk}/"
    assert (document.title, document.publisher, document.language, document.kind, document.text,
            document.park_id, document.ingested_by_id, str(document.published_on), document.published_precision) == (
        ARTICLE[:200], "亦庄发布", "zh", "paste", ARTICLE, world["park"].pk, world["operator"].pk, "2025-05-01",
        "day")
    assert [(p.type, p.match) for p in document.proposals.order_by("position")] == [
        ("organisation", f"organisation:{world['org'].pk}"), ("position", ""),
        ("person", f"person:{world['person'].pk}"), ("agreement", ""), ("organisation", ""), ("figure", "")]
    assert (document.source.publisher, document.source.language, document.source.title_zh) == (
        "亦庄发布", "zh", ARTICLE[:200])
    page = client.get(f"/news/{document.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (html.count("<mark"), html.count("id=\"passage-")) == (7, 6)  # overlapping passages cut in segments


@pytest.mark.parametrize("name, content, kind, text, title", [
    ("news.txt", "标题一行\n苏州沐光生物科技有限公司签署协议。".encode("utf-16"), "txt",
     "标题一行\n苏州沐光生物科技有限公司签署协议。", "标题一行"),
    ("page.html", "<html><head><title>园区新闻</title><script>x=1</script></head><body><p>严明出席。</p></body></html>"
     .encode(), "html", "严明出席。", "园区新闻"),
    ("report.docx", docx_bytes(["苏州沐光生物科技有限公司落户园区。", "第二段。"], title="沐光落户"), "docx",
     "苏州沐光生物科技有限公司落户园区。\n第二段。", "沐光落户"),
    ("brief.pdf", pdf_bytes(["Pfizer Inc. signed an agreement", "with Keymed."]), "pdf",
     "Pfizer Inc. signed an agreement\nwith Keymed.", "Pfizer Inc. signed an agreement"),
])
def test_each_file_type_is_read_and_kept(client, world, name, content, kind, text, title):
    response = client.post("/news/", {"file": SimpleUploadedFile(name, content)})
    document = Document.objects.get()
    assert response.status_code == 302
    assert (document.kind, document.text, document.title, document.original_name, document.size) == (
        kind, text, title, name, len(content))
    with document.file.open("rb") as stored:
        assert stored.read() == content


def _refused(client, data, field, message):
    before = rows()
    response = client.post("/news/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="error-{field}"' in html and message in html
    assert rows() == before


def test_empty_paste_is_refused(client):
    _refused(client, {"text": "   \n "}, "text", "粘贴文档的文字，或选择文件")


def test_unsupported_type_is_refused(client):
    _refused(client, {"file": SimpleUploadedFile("tool.exe", b"MZ\x90\x00")}, "file", "不支持的文件类型 .exe")


def test_malformed_word_and_pdf_files_are_refused(client):
    _refused(client, {"file": SimpleUploadedFile("broken.docx", b"PK\x03\x04 not a zip")}, "file",
             "不是可读取的 .docx 文档")
    _refused(client, {"file": SimpleUploadedFile("broken.pdf", b"%PDF-1.4 garbage")}, "file", "不是可读取的 PDF")


def test_an_empty_document_is_refused(client):
    _refused(client, {"file": SimpleUploadedFile("blank.docx", docx_bytes(["", " "]))}, "file", "文档中没有文本")


def test_text_in_an_unexpected_encoding_is_refused(client):
    _refused(client, {"file": SimpleUploadedFile("gbk.txt", "苏州沐光生物科技有限公司".encode("gbk"))}, "file",
             "不是 UTF-8 编码")


def test_a_50_mb_pdf_is_refused_by_the_upload_limit(client):
    big = pdf_bytes(["big"]) + b"%" * (50 * 1024 * 1024)
    _refused(client, {"file": SimpleUploadedFile("big.pdf", big)}, "file", "上传上限为 50 MB")


def test_a_link_is_not_fetched_when_fetching_is_off(client):
    page = client.get("/news/").content.decode()
    assert 'id="fetch-off"' in page
    _refused(client, {"url": "https://example.org/news.html"}, "url", "本服务器已关闭链接抓取")


def test_ingest_command_queues_a_file_for_review(tmp_path: Path, world):
    path = tmp_path / "news.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    out = io.StringIO()
    call_command("ingest", str(path), "--source", "亦庄发布", "--date", "2025-05-01", stdout=out)
    document = Document.objects.get()
    assert (document.original_name, document.publisher, document.kind, document.proposals.count()) == (
        "news.txt", "亦庄发布", "txt", 6)
    assert f"/news/{document.pk}/" in out.getvalue()


def test_ingest_command_refuses_a_bad_file_and_writes_nothing(tmp_path: Path, world):
    path = tmp_path / "bad.txt"
    path.write_bytes("数据".encode("gbk"))
    before = rows()
    with pytest.raises(CommandError) as info:
        call_command("ingest", str(path))
    assert info.value.returncode == 2 and "UTF-8" in str(info.value)
    assert rows() == before
