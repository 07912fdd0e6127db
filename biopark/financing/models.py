"""Investors' mandates, projects' financing needs, investors' interests and private notes, introductions made
by the park, in-app notifications, and roadshows (a deals.Event of kind roadshow) with their applications,
attending investors and feedback."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from biopark.deals.models import Event
from biopark.ecosystem.models import CURRENCIES, Organisation, Park
from biopark.pipeline.models import Project


class Round(models.TextChoices):
    """Financing rounds, in the order a company usually raises them."""

    SEED = "seed", _("Seed")
    ANGEL = "angel", _("Angel")
    PRE_A = "pre_a", _("Pre-A")
    A = "a", _("Series A")
    B = "b", _("Series B")
    C = "c", _("Series C")
    D = "d", _("Series D and later")
    PRE_IPO = "pre_ipo", _("Pre-IPO")
    STRATEGIC = "strategic", _("Strategic investment")


class CoInvestment(models.TextChoices):
    LEAD = "lead", _("Leads rounds")
    FOLLOW = "follow", _("Follows a lead investor")
    EITHER = "either", _("Leads or follows")


class NeedVisibility(models.TextChoices):
    PARK = "park", _("Visible to the park")
    INVESTORS = "investors", _("Visible to investors")
    PUBLIC = "public", _("Public")


class InterestState(models.TextChoices):
    OBSERVING = "observing", _("Observing")
    CONSIDERING = "considering", _("Considering")
    COMMITTED = "committed", _("Committed")
    INVESTED = "invested", _("Invested")


class Mandate(models.Model):
    """What an investor organisation invests in. Lists hold codes: pipeline stages, pipeline modalities,
    therapeutic-area codes of biopark.pipeline.vocabulary, rounds; regions are place names as typed
    (a province, a city or a country code)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="mandates", verbose_name=_("investor")
    )
    name = models.CharField(_("name"), max_length=200, blank=True, default="")
    stages = models.JSONField(_("stages"), default=list, blank=True)
    modalities = models.JSONField(_("modalities"), default=list, blank=True)
    therapeutic_areas = models.JSONField(_("therapeutic areas"), default=list, blank=True)
    rounds = models.JSONField(_("rounds"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    ticket_min = models.DecimalField(_("smallest ticket"), max_digits=20, decimal_places=2)
    ticket_max = models.DecimalField(_("largest ticket"), max_digits=20, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="CNY")
    co_investment = models.CharField(
        _("co-investment"), max_length=10, choices=CoInvestment.choices, default=CoInvestment.EITHER
    )
    active = models.BooleanField(_("active"), default=True)
    synthetic = models.BooleanField(_("synthetic"), default=False)
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["organisation_id", "id"]

    def __str__(self) -> str:
        return self.name or str(self.organisation)


class FinancingNeed(models.Model):
    """A project's round: how much it seeks, for what, and who may see it."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="financing_needs", verbose_name=_("project")
    )
    round = models.CharField(_("round"), max_length=12, choices=Round.choices)
    amount = models.DecimalField(_("amount sought"), max_digits=20, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="CNY")
    use_of_funds = models.TextField(_("use of funds"), blank=True, default="")
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=NeedVisibility.choices, default=NeedVisibility.PARK
    )
    open = models.BooleanField(_("open"), default=True)
    synthetic = models.BooleanField(_("synthetic"), default=False)
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("financing need")
        verbose_name_plural = _("financing needs")
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["open", "visibility"])]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_round_display()}"


class Interest(models.Model):
    """An investor organisation's interest in a project; each move is an InterestStep."""

    investor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="interests",
                                 verbose_name=_("investor"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="interests", verbose_name=_("project"))
    state = models.CharField(_("state"), max_length=12, choices=InterestState.choices,
                             default=InterestState.OBSERVING)
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["-updated_at", "id"]
        constraints = [models.UniqueConstraint(fields=["investor", "project"], name="financing_interest_unique")]

    def __str__(self) -> str:
        return f"{self.investor} · {self.project}"


class InterestStep(models.Model):
    """Who moved an interest to which state, and when."""

    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="steps", verbose_name=_("interest"))
    state = models.CharField(_("state"), max_length=12, choices=InterestState.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("by"))
    by_label = models.CharField(max_length=150, blank=True, default="", verbose_name=_("by label"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))

    class Meta:
        verbose_name = _("interest step")
        verbose_name_plural = _("interest steps")
        ordering = ["at", "id"]


    def __str__(self) -> str:
        return f"{self.interest} · {self.get_state_display()}"

class InvestorNote(models.Model):
    """A note an investor organisation keeps on a project: only that organisation's investor members read it."""

    investor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="investor_notes", verbose_name=_("investor"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="investor_notes",
                                verbose_name=_("project"))
    text = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("author"))
    author_label = models.CharField(max_length=150, blank=True, default="", verbose_name=_("author label"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("investor note")
        verbose_name_plural = _("investor notes")
        ordering = ["-created_at", "-id"]


    def __str__(self) -> str:
        return f"{self.investor} · {self.project}"

class Introduction(models.Model):
    """The park introduces an investor to a project (both sides are notified)."""

    investor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="introductions",
                                 verbose_name=_("investor"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="introductions",
                                verbose_name=_("project"))
    message = models.TextField(_("message"), blank=True, default="")
    score = models.IntegerField(_("match score"), default=0)
    introduced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("introduced by"))
    introduced_label = models.CharField(max_length=150, blank=True, default="", verbose_name=_("introduced label"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["investor", "project"], name="financing_intro_unique")]


    def __str__(self) -> str:
        return f"{self.investor} ↔ {self.project}"

class Notification(models.Model):
    """An in-app notice to one user. The text is built when it is shown (`kind` + `params`), so each reader
    gets it in the language of the page."""

    class Kind(models.TextChoices):
        INTRODUCED_INVESTOR = "intro_investor", _("Introduced to a project")
        INTRODUCED_PROJECT = "intro_project", _("Introduced to an investor")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient"))
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    introduction = models.ForeignKey(Introduction, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="notifications", verbose_name=_("introduction"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]


    def __str__(self) -> str:
        return str(self.get_kind_display())

class Roadshow(models.Model):
    """A call for applications attached to a roadshow event."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="roadshow", verbose_name=_("event"))
    park = models.ForeignKey(Park, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("park"))
    call_zh = models.TextField(_("call for applications (Chinese)"), blank=True, default="")
    call_en = models.TextField(_("call for applications (English)"), blank=True, default="")
    deadline = models.DateField(_("application deadline"), null=True, blank=True)
    synthetic = models.BooleanField(_("synthetic"), default=False)
    investors = models.ManyToManyField(Organisation, through="RoadshowInvestor", related_name="roadshows", verbose_name=_("investors"))

    class Meta:
        verbose_name = _("roadshow")
        verbose_name_plural = _("roadshows")
        ordering = ["-deadline", "-id"]

    def __str__(self) -> str:
        return str(self.event)


class RoadshowApplication(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        SELECTED = "selected", _("Selected")
        REJECTED = "rejected", _("Not selected")

    roadshow = models.ForeignKey(Roadshow, on_delete=models.CASCADE, related_name="applications", verbose_name=_("roadshow"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roadshow_applications",
                                verbose_name=_("project"))
    pitch = models.TextField(_("pitch"), blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("roadshow application")
        verbose_name_plural = _("roadshow applications")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["roadshow", "project"], name="financing_application_unique")]


    def __str__(self) -> str:
        return f"{self.project} · {self.get_status_display()}"

class RoadshowInvestor(models.Model):
    roadshow = models.ForeignKey(Roadshow, on_delete=models.CASCADE, related_name="investor_links", verbose_name=_("roadshow"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roadshow_links",
                                     verbose_name=_("investor"))

    class Meta:
        verbose_name = _("roadshow investor")
        verbose_name_plural = _("roadshow investors")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["roadshow", "organisation"], name="financing_rs_investor_unique")]


    def __str__(self) -> str:
        return str(self.organisation)

class RoadshowFeedback(models.Model):
    """An attending investor's view of a presented project; a follow-up opens (or advances) its interest."""

    roadshow = models.ForeignKey(Roadshow, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("roadshow"))
    investor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roadshow_feedback",
                                 verbose_name=_("investor"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roadshow_feedback",
                                verbose_name=_("project"))
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True, default="")
    follow_up = models.BooleanField(_("follow up"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("author"))
    # The financing lead the follow-up opened on the park's board (promotion, named by its label: the two apps
    # share a layer and do not import each other).
    lead = models.ForeignKey("promotion.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("financing lead"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("roadshow feedback")
        verbose_name_plural = _("roadshow feedback")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["roadshow", "investor", "project"],
                                               name="financing_feedback_unique")]

    def __str__(self) -> str:
        return f"{self.investor} · {self.project}"
