"""Shared pieces of the news tests: a park with an operator, and small real files of each type."""

from __future__ import annotations

import io

import docx
import pytest

from tests.factories import OrganisationFactory, ParkFactory, PersonFactory, make_user

ARTICLE = ("北京亦庄生物医药管委会主任严明出席。苏州沐光生物科技有限公司与北京亦庄生物医药管委会签署合作协议，"
           "总投资约3亿元。")


@pytest.fixture
def world(db):
    park = ParkFactory(name_zh="亦庄生物医药园", name_en="Yizhuang Bio Park")
    org = OrganisationFactory(name_zh="北京亦庄生物医药管委会", name_en="Yizhuang Biomedicine Committee", aliases=[],
                              park=park)
    person = PersonFactory(name_zh="严明", name_en="Yan Ming", aliases=[])
    operator = make_user("operator", park=park)
    return {"park": park, "org": org, "person": person, "operator": operator}


def docx_bytes(paragraphs: list[str], title: str = "") -> bytes:
    document = docx.Document()
    if title:
        document.core_properties.title = title
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(lines: list[str]) -> bytes:
    """A minimal one-page PDF with a text layer (Latin text in Helvetica), written by hand: the objects,
    the cross-reference table with their byte offsets, and the trailer."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*" for line in lines
    ) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        "/Contents 4 0 R >>",
        f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("latin-1")
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("latin-1")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("latin-1")
    return bytes(out)
