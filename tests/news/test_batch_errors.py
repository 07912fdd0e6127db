"""A batch keeps each file's problem as a stable code with its parameters, not as a sentence in the language of
whoever queued it: the batch list puts it into words in the reader's language (Chinese and English both)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from biopark.news import jobs
from biopark.news.models import Document, IngestBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_batch(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):  # queued and run by an English reader
        batch = jobs.create_batch(actor=world["operator"], files=[
            ("a.exe", b"MZ"), ("b.txt", b""), ("c.txt", b"ok" + b"\xff")])
        jobs.run_batch(batch.pk)
    batch.refresh_from_db()
    return batch


def _problems(world, language: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world["operator"])
    html = client.get("/news/").content.decode()
    return html[html.index("<table"):html.index("</table>")]


def test_the_errors_are_stored_as_codes_with_parameters(failed_batch):
    assert (failed_batch.status, failed_batch.done, Document.objects.count()) == ("succeeded", 3, 0)
    assert failed_batch.errors == [
        {"file": "a.exe", "code": "unsupported", "params": {"path": "a.exe", "type": ".exe"}},
        {"file": "b.txt", "code": "empty", "params": {"path": "b.txt"}},
        {"file": "c.txt", "code": "not_utf8", "params": {"path": "c.txt", "pos": 2}},
    ]


def test_a_chinese_reader_reads_them_in_chinese(world, failed_batch):
    html = _problems(world, "zh-hans")
    assert "<div>a.exe：不支持的文件类型 .exe（支持 .txt、.html、.docx、.pdf）</div>" in html
    assert "<div>b.txt：文件是空的</div>" in html
    assert "<div>c.txt：文本不是 UTF-8 编码（第 2 字节）；请另存为 UTF-8 后重试</div>" in html
    assert "unsupported" not in html and "empty" not in html


def test_an_english_reader_reads_them_in_english(world, failed_batch):
    html = _problems(world, "en")
    assert "<div>a.exe: unsupported file type .exe (supported: .txt, .html, .docx, .pdf)</div>" in html
    assert "<div>b.txt: the file is empty</div>" in html
    assert "<div>c.txt: the text is not UTF-8 (byte 2); save it as UTF-8 and try again</div>" in html


def test_a_batch_whose_worker_died_says_so_in_each_language(world, failed_batch):
    IngestBatch.objects.filter(pk=failed_batch.pk).update(status="running", errors=[], heartbeat_at=None)
    assert jobs.expire_stale() == 1
    assert IngestBatch.objects.get(pk=failed_batch.pk).errors == [{"file": "", "code": "died", "params": {}}]
    assert "处理这批文件的服务器进程在完成前停止" in _problems(world, "zh-hans")
    assert "The server process running this batch stopped before it finished" in _problems(world, "en")


@pytest.mark.parametrize(("entry", "text"), [
    ({"file": "x.txt", "code": "empty", "params": {}}, "x.txt: unknown problem empty"),  # parameters missing
    ({"file": "x.txt", "code": "no-such-code", "params": {}}, "x.txt: unknown problem no-such-code"),
    ({"file": "x.txt", "message": "a sentence stored before codes"}, "x.txt: a sentence stored before codes"),
])
def test_stored_errors_that_do_not_fit_are_shown_plainly(entry, text):
    with translation.override("en"):
        assert jobs.error_text(entry) == text
