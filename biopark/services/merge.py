"""How the service desk's rows follow an organisation merged into another (see biopark.core.merge)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from biopark.core.merge import ForeignKeyFollower, register_follower
from biopark.services.models import Service, ServiceRequest

TARGET = "ecosystem.Organisation"


def register() -> None:
    """Called by ServicesConfig.ready."""
    kinds = (
        ("services_provided", _("services provided"), Service, "provider_organisation"),
        ("requests_made", _("service requests made"), ServiceRequest, "requester_organisation"),
        ("requests_received", _("service requests received"), ServiceRequest, "provider_organisation"),
    )
    for kind, label, model, field in kinds:
        register_follower(
            TARGET, ForeignKeyFollower(app="services", kind=kind, label=label, model=model, field=field)
        )
