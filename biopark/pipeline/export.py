"""The portfolio as an XLSX workbook: one sheet per table, plus the projects themselves. Written through the
one export helper (``biopark.core.spreadsheet``): a project named "=HYPERLINK(…)" stays text."""

from __future__ import annotations

from django.db.models import QuerySet

from biopark.core import spreadsheet
from biopark.pipeline.models import Project
from biopark.pipeline.selectors import STAGE_LABELS, Portfolio


def portfolio_xlsx(data: Portfolio, projects: QuerySet[Project]) -> bytes:
    wb = spreadsheet.Workbook()
    ws = wb.sheet("Funnel")
    ws.append(["stage", "label", "projects (highest stage)", "reached at least"])
    for row in data.funnel:
        ws.append([row["stage"], row["label"], row["count"], row["reached"]])
    ws.append([])
    ws.append(["total", "", data.total])
    ws.append(["no development reported since", data.cutoff.isoformat(), data.no_development])
    sheet = wb.sheet("Modalities")
    sheet.append(["modality", "label", "projects"])
    for row in data.modalities:
        sheet.append([row["modality"], row["label"], row["count"]])
    sheet = wb.sheet("Therapeutic areas")
    sheet.append(["therapeutic area", "projects"])
    for row in data.areas:
        sheet.append([row["area"], row["count"]])
    sheet = wb.sheet("Time in stage")
    sheet.append(["stage", "label", "stays", "q1 (days)", "median (days)", "q3 (days)"])
    for t in data.stage_times:
        sheet.append([t.stage, t.label, t.n, t.q1, t.median, t.q3])
    sheet = wb.sheet("Transitions")
    sheet.append(
        ["stage", "label", "entered", "advanced", "halted", "went back", "still there", "advance rate"]
    )
    for tr in data.transitions:
        sheet.append(
            [
                tr.stage,
                tr.label,
                tr.entered,
                tr.advanced,
                tr.halted,
                tr.back,
                tr.pending,
                float(tr.rate) if tr.rate is not None else None,
            ]
        )
    sheet = wb.sheet("Projects")
    sheet.append(
        [
            "id",
            "key",
            "name_zh",
            "name_en",
            "organisation",
            "modality",
            "highest stage",
            "last event",
            "therapeutic areas",
            "targets",
            "visibility",
        ]
    )
    for p in projects.select_related("organisation").order_by("id").iterator(chunk_size=2000):
        sheet.append(
            [
                p.pk,
                p.key or "",
                p.name_zh,
                p.name_en,
                str(p.organisation),
                p.modality,
                str(STAGE_LABELS.get(p.highest_stage, "")) if p.highest_stage else "",
                p.last_event_on.isoformat() if p.last_event_on else "",
                "; ".join(p.therapeutic_areas),
                "; ".join(p.targets),
                p.visibility,
            ]
        )
    return wb.to_bytes()
