"""Batches: several files from the page, or more than a few from `biopark ingest`, are read by the worker
(the real task backend, drained in-process) with progress; a file it cannot read is reported by name and the
others still come in. Transactional: the worker's loop closes the connection between tasks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from biopark.news.models import Document, IngestBatch
from tests.news.conftest import docx_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(world) -> Client:
    c = Client()
    c.force_login(world["operator"])
    return c


def test_several_files_are_read_by_the_worker_with_progress(client, world, run_queued_tasks):
    files = [SimpleUploadedFile("a.txt", "严明出席会议。".encode()),
             SimpleUploadedFile("b.txt", b"\xff\xfe\x00"),
             SimpleUploadedFile("c.docx", docx_bytes(["苏州沐光生物科技有限公司落户。"]))]
    response = client.post("/news/", {"file": files})
    assert response.status_code == 302
    batch = IngestBatch.objects.get()
    assert (batch.status, batch.total, batch.done, Document.objects.count()) == ("queued", 3, 0, 0)
    run_queued_tasks()
    batch.refresh_from_db()
    assert (batch.status, batch.done) == ("succeeded", 3)
    assert [e["file"] for e in batch.errors] == ["b.txt"]
    assert sorted(Document.objects.values_list("original_name", "batch_id", "park_id")) == [
        ("a.txt", batch.pk, world["park"].pk), ("c.docx", batch.pk, world["park"].pk)]
    assert "b.txt" in client.get("/news/").content.decode()


def test_ingest_command_sends_a_large_batch_to_the_worker(tmp_path: Path, world, run_queued_tasks):
    paths = []
    for i in range(4):
        path = tmp_path / f"n{i}.txt"
        path.write_text(f"严明出席第{i}次会议。", encoding="utf-8")
        paths.append(str(path))
    call_command("ingest", *paths, stdout=io.StringIO())
    assert (IngestBatch.objects.get().total, Document.objects.count()) == (4, 0)
    run_queued_tasks()
    assert (IngestBatch.objects.get().status, Document.objects.count()) == ("succeeded", 4)
