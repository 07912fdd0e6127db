"""Booking refusals as domain errors: the API answers {"error": {"code", "message", "fields"}} where
fields names the field at fault and `rule` names the rule that refused (its stable code); the message names
the rule by its label, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from biopark.core.errors import Conflict, ValidationFailed
from biopark.facilities.policy import Refusal, rule_label


def _message(refusal: Refusal) -> str:
    return _("%(message)s (rule: %(rule)s)") % {"message": refusal.message, "rule": rule_label(refusal.rule)}


class BookingRefused(ValidationFailed):
    """The request breaks a booking rule (422)."""

    code = "booking_refused"

    def __init__(self, refusal: Refusal):
        super().__init__(_message(refusal), fields={refusal.field: refusal.message, "rule": refusal.rule})
        self.refusal = refusal
        self.rule = refusal.rule


class BookingConflict(Conflict):
    """The slot is taken (409): by another booking, the buffer, or the resource's capacity."""

    def __init__(self, refusal: Refusal):
        super().__init__(_message(refusal), fields={refusal.field: refusal.message, "rule": refusal.rule})
        self.refusal = refusal
        self.rule = refusal.rule


def refused(refusal: Refusal) -> BookingRefused | BookingConflict:
    return BookingConflict(refusal) if refusal.conflict else BookingRefused(refusal)
