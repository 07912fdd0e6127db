"""The lead list as an XLSX workbook, written through the one export helper (biopark.core.spreadsheet):
an organisation named "=HYPERLINK(…)" stays text, amounts stay numbers."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from biopark.core import spreadsheet
from biopark.promotion.models import Lead


def _owner(lead: Lead) -> str:
    if lead.owner is None:
        return ""
    return f"{lead.owner.first_name} {lead.owner.last_name}".strip() or lead.owner.get_username()


def leads_xlsx(leads: QuerySet[Lead]) -> bytes:
    wb = spreadsheet.Workbook()
    sheet = wb.sheet(_("Leads"))
    sheet.append([
        _("id"), _("pipeline"), _("stage"), _("in this stage since"), _("park"), _("organisation"), _("project"),
        _("investment"), _("currency"), _("jobs"), _("space needed (m²)"), _("source"), _("owner"),
        _("next action"), _("next action due"), _("policy package offered"), _("policy package amount"),
        _("policy package currency"), _("reason lost"), _("synthetic demo record"),
    ])
    money = "#,##0.00"
    for lead in leads.iterator(chunk_size=2000):
        sheet.append(
            [
                lead.pk, lead.pipeline.display_name, lead.stage.display_name,
                lead.stage_entered_at.date().isoformat(), lead.park.display_name, lead.organisation.display_name,
                lead.project, lead.investment_amount, lead.investment_currency, lead.jobs, lead.space_m2,
                lead.get_source_display(), _owner(lead), lead.next_action,
                lead.next_action_due.isoformat() if lead.next_action_due else "", lead.policy_package,
                lead.policy_amount, lead.policy_currency, lead.get_lost_reason_display(),
                _("yes") if lead.synthetic else "",
            ],
            formats={7: money, 16: money},
        )
    return wb.to_bytes()
