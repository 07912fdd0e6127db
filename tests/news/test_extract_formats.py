"""`biopark extract` reads Word and PDF files as well as text and HTML (docs/extract.md says so): the
document's type is reported and the records come from the file's text."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.news.conftest import docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "content", "title"), [
    ("deal.docx", docx_bytes(["Sanofi signed an agreement with Hengrui Medicine Co., Ltd."], title="A deal"),
     "A deal"),
    ("deal.pdf", pdf_bytes(["Sanofi signed an agreement with Hengrui Medicine Co., Ltd."]),
     "Sanofi signed an agreement with Hengrui Medicine Co., Ltd."),
])
def test_word_and_pdf_files_are_read(tmp_path: Path, name, content, title):
    path = tmp_path / name
    path.write_bytes(content)
    out = io.StringIO()
    call_command("extract", str(path), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert (result["document"]["type"], result["document"]["title"]) == (name.rsplit(".", 1)[1], title)
    assert "Hengrui Medicine Co., Ltd." in [r["fields"].get("name") for r in result["records"]
                                            if r["type"] == "organisation"]
