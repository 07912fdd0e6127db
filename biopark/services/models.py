"""The one-stop service desk: a catalogue of services along the life cycle, and the requests enterprises
make for them (with their transitions, comments and attachments)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from biopark.core.models import BilingualNamed
from biopark.ecosystem.models import CURRENCIES, Organisation, Park, Platform
from biopark.pipeline.models import Project


class Category(models.TextChoices):
    RD = "rd_support", _("R&D support")
    PRECLINICAL = "preclinical", _("Preclinical evaluation")
    CLINICAL = "clinical", _("Clinical trials")
    REGULATORY = "regulatory", _("Registration and regulatory")
    PRODUCTION = "production", _("Production / CDMO")
    MARKET = "market_access", _("Market access")
    FINANCING = "financing", _("Financing")
    IP = "ip", _("Intellectual property")
    TALENT = "talent", _("Talent")
    POLICY = "policy", _("Policy")
    SPACE = "space", _("Space and incubation")


class PriceModel(models.TextChoices):
    FREE = "free", _("Free")
    FIXED = "fixed", _("Fixed price")
    HOURLY = "hourly", _("Per hour")
    QUOTE = "quote", _("On quotation")
    SUBSIDISED = "subsidised", _("Subsidised")


class Service(BilingualNamed):
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    stages = models.JSONField(_("stages served"), default=list, blank=True)
    provider_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="services_provided",
        verbose_name=_("provider organisation"),
    )
    provider_platform = models.ForeignKey(
        Platform, null=True, blank=True, on_delete=models.PROTECT, related_name="services_provided",
        verbose_name=_("provider platform"),
    )
    park = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="services", verbose_name=_("park")
    )
    description_zh = models.TextField(_("description (Chinese)"), blank=True, default="")
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    price_model = models.CharField(
        _("price model"), max_length=20, choices=PriceModel.choices, default=PriceModel.QUOTE
    )
    price_amount = models.DecimalField(_("price"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, blank=True, default="")
    target_days = models.PositiveIntegerField(_("target time (days)"), default=10)
    active = models.BooleanField(_("offered"), default=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["category", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider_organisation__isnull=False) | Q(provider_platform__isnull=False),
                name="service_has_provider",
            )
        ]

    @property
    def provider(self) -> Organisation | Platform | None:
        return self.provider_platform or self.provider_organisation

    @property
    def provider_org_id(self) -> int | None:
        """The organisation whose members answer requests: the platform's operator, or the organisation."""
        if self.provider_platform_id and self.provider_platform and self.provider_platform.operator_id:
            return self.provider_platform.operator_id
        return self.provider_organisation_id


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = (State.SUBMITTED, State.ACCEPTED, State.IN_PROGRESS)


def state_label(code: str | None) -> str:
    """A request state's label for people; the code itself for one this version does not know."""
    return str(dict(State.choices).get(code or "", code or ""))


class ServiceRequest(models.Model):
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="requests", verbose_name=_("service")
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="service_requests",
        verbose_name=_("project"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("requester")
    )
    requester_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="service_requests", verbose_name=_("requester organisation")
    )
    provider_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests_received", verbose_name=_("provider organisation"),
    )
    park = models.ForeignKey(
        Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="service_requests", verbose_name=_("park")
    )
    title = models.CharField(_("title"), max_length=300)
    details = models.TextField(_("details"), blank=True, default="")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("assignee"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    submitted_at = models.DateTimeField(verbose_name=_("submitted at"))
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=pgettext_lazy("service request", "accepted at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("delivered at"))
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended at"))
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["park", "state", "submitted_at"]),
            models.Index(fields=["provider_organisation", "state"]),
            models.Index(fields=["requester_organisation", "submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="service_request_rating_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class RequestEvent(models.Model):
    """A step of a request: a state change or a comment, by whom and when."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request"))
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=[
            ("state", _("state change")),
            ("comment", _("comment")),
            ("file", _("attachment")),
            ("assign", _("assignment")),
        ],
    )
    from_state = models.CharField(_("from"), max_length=20, blank=True, default="", choices=State.choices)
    to_state = models.CharField(_("to"), max_length=20, blank=True, default="", choices=State.choices)
    text = models.TextField(blank=True, default="", verbose_name=_("text"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("actor")
    )
    actor_label = models.CharField(max_length=150, blank=True, default="", verbose_name=_("actor label"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_to_state_display() or self.text[:40]}"


def _upload_to(instance: Attachment, filename: str) -> str:
    return f"services/requests/{instance.request_id}/{filename}"


class Attachment(models.Model):
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("request"))
    file = models.FileField(upload_to=_upload_to, max_length=300, verbose_name=_("file"))
    original_name = models.CharField(max_length=255, verbose_name=_("original name"))
    size = models.PositiveIntegerField(verbose_name=_("size"))
    kind = models.CharField(max_length=10, verbose_name=_("kind"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
