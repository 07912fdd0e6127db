"""The portfolio as an XLSX workbook: one sheet per table, plus the projects themselves. Written through the
one export helper (``biopark.core.spreadsheet``): a project named "=HYPERLINK(…)" stays text."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from biopark.core import spreadsheet
from biopark.pipeline.models import Project
from biopark.pipeline.selectors import STAGE_LABELS, Portfolio
from biopark.pipeline.vocabulary import area_label


def portfolio_xlsx(data: Portfolio, projects: QuerySet[Project]) -> bytes:
    wb = spreadsheet.Workbook()
    ws = wb.sheet(_("Funnel"))
    ws.append([_("stage"), _("label"), _("projects (highest stage)"), _("reached at least")])
    for row in data.funnel:
        ws.append([row["stage"], row["label"], row["count"], row["reached"]])
    ws.append([])
    ws.append([_("total"), "", data.total])
    ws.append([_("no development reported since"), data.cutoff.isoformat(), data.no_development])
    sheet = wb.sheet(_("Modalities"))
    sheet.append([_("modality"), _("label"), _("projects")])
    for row in data.modalities:
        sheet.append([row["modality"], row["label"], row["count"]])
    sheet = wb.sheet(_("Therapeutic areas"))
    sheet.append([_("therapeutic area"), _("projects")])
    for row in data.areas:
        sheet.append([area_label(row["area"]), row["count"]])
    sheet = wb.sheet(_("Time in stage"))
    sheet.append([_("stage"), _("label"), _("stays"), _("q1 (days)"), _("median (days)"), _("q3 (days)")])
    for t in data.stage_times:
        sheet.append([t.stage, t.label, t.n, t.q1, t.median, t.q3])
    sheet = wb.sheet(_("Transitions"))
    sheet.append(
        [_("stage"), _("label"), _("entered"), _("advanced"), _("halted"), _("went back"), _("still there"), _("advance rate")]
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
    sheet = wb.sheet(_("Projects"))
    sheet.append(
        [
            _("id"),
            _("key"),
            _("name_zh"),
            _("name_en"),
            _("organisation"),
            _("modality"),
            _("highest stage"),
            _("last event"),
            _("therapeutic areas"),
            _("targets"),
            _("visibility"),
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
                p.get_modality_display(),
                str(STAGE_LABELS.get(p.highest_stage, "")) if p.highest_stage else "",
                p.last_event_on.isoformat() if p.last_event_on else "",
                "; ".join(area_label(a) for a in p.therapeutic_areas),
                "; ".join(p.targets),
                p.get_visibility_display(),
            ]
        )
    return wb.to_bytes()
