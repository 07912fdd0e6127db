"""`biopark extract FILE… --json`: proposed records matched against the registry, UTF-8 JSON, nothing written;
a missing, unsupported or undecodable file is a clear error with exit code 2 and no traceback."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from biopark.ecosystem.models import Organisation, Person
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

ARTICLE = "北京亦庄生物医药管委会主任严明出席。苏州沐光生物科技有限公司与北京亦庄生物医药管委会签署合作协议，总投资约3亿元。"


@pytest.fixture(autouse=True)
def english():
    """The CLI speaks the site's default language (Chinese); these tests read its English messages."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _run(*args: str) -> dict:
    out = io.StringIO()
    call_command("extract", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def registry():
    org = OrganisationFactory(name_zh="北京亦庄生物医药管委会", name_en="Yizhuang Biomedicine Committee", aliases=[])
    person = PersonFactory(name_zh="严明", name_en="Yan Ming", aliases=[])
    return org, person


def test_text_file_records_match_the_registry(tmp_path: Path, registry) -> None:
    org, person = registry
    path = tmp_path / "news.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    before = list(Organisation.objects.values()), list(Person.objects.values())
    result = _run(str(path), "--json", "--date", "2025-05-01")
    assert result["document"] == {"path": str(path), "title": ARTICLE, "type": "txt", "language": "zh",
                                  "date": "2025-05-01", "length": len(ARTICLE)}
    brief = [(r["type"], r["fields"].get("name") or r["fields"].get("title") or r["fields"].get("amount"), r["match"])
             for r in result["records"] if r["type"] in ("organisation", "person", "figure")]
    assert brief == [("organisation", "北京亦庄生物医药管委会", f"organisation:{org.pk}"),
                     ("person", "严明", f"person:{person.pk}"),
                     ("organisation", "苏州沐光生物科技有限公司", None),
                     ("figure", "300000000", None)]
    (agreement,) = [r for r in result["records"] if r["type"] == "agreement"]
    assert agreement["fields"]["parties"] == [{"name": "苏州沐光生物科技有限公司", "match": None},
                                              {"name": "北京亦庄生物医药管委会", "match": f"organisation:{org.pk}"}]
    assert (list(Organisation.objects.values()), list(Person.objects.values())) == before


def test_output_is_utf8_not_escaped(tmp_path: Path, registry) -> None:
    path = tmp_path / "news.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    out = io.StringIO()
    call_command("extract", str(path), "--json", stdout=out)
    assert "严明" in out.getvalue() and "\\u" not in out.getvalue()


def test_html_text_and_title(tmp_path: Path, registry) -> None:
    path = tmp_path / "news.html"
    path.write_text(f"<html><head><title>园区新闻</title><script>var x = '严明';</script></head>"
                    f"<body><p>{ARTICLE}</p></body></html>", encoding="utf-8")
    result = _run(str(path), "--json")
    assert result["document"]["title"] == "园区新闻"
    assert result["document"]["type"] == "html"
    assert [r["fields"]["mentions"] for r in result["records"] if r["type"] == "person"] == [[[13, 15]]]


def test_several_files_give_a_list(tmp_path: Path, registry) -> None:
    paths = []
    for name in ("a.txt", "b.txt"):
        paths.append(tmp_path / name)
        paths[-1].write_text(ARTICLE, encoding="utf-8")
    result = _run(*map(str, paths), "--json")
    assert [r["document"]["path"] for r in result] == [str(p) for p in paths]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.txt", None, "cannot read the file"),
    ("report.odt", b"PK", "unsupported file type .odt"),
    ("report.pdf", b"%PDF-1.4", "this is not a readable PDF"),
    ("latin1.txt", "Caf\xe9 r\xe9sum\xe9".encode("latin-1"), "the text is not UTF-8"),
    ("empty.txt", b"  \n", "the document has no text"),
])
def test_bad_files_are_clear_errors(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as info:
        call_command("extract", str(path), "--json")
    assert info.value.returncode == 2


def test_bad_date_is_a_clear_error(tmp_path: Path, registry) -> None:
    path = tmp_path / "news.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(CommandError, match="document_date") as info:
        call_command("extract", str(path), "--date", "May 1st")
    assert info.value.returncode == 2


def test_command_line_exit_code_is_2_without_traceback(tmp_path: Path, capsys) -> None:
    path = tmp_path / "scan.docx"
    path.write_bytes(b"PK\x03\x04")  # a damaged Word file
    with pytest.raises(SystemExit) as info:
        execute_from_command_line(["biopark", "extract", str(path), "--json"])
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert "this is not a readable Word (.docx) document" in err and "Traceback" not in err
    assert out == ""


def test_errors_are_translated(tmp_path: Path) -> None:
    from django.utils import translation

    from biopark.news.documents import DocumentError, read_document

    path = tmp_path / "report.odt"
    path.write_bytes(b"PK")
    with translation.override("zh-hans"), pytest.raises(DocumentError) as info:
        read_document(path)
    assert str(info.value) == f"{path}：不支持的文件类型 .odt（支持 .txt、.html、.docx、.pdf）"
