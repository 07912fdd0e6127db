"""Facilities' "request training" filed as a service-desk request (wired in biopark.urls).

One small function, so that a dedicated service function (services.training_request_create) can replace it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from biopark.core.errors import ValidationFailed
from biopark.services import services
from biopark.services.models import Service


def request_training(*, actor: Any, resource_name: str, platform_id: int, note: str) -> Any:
    """A request to the platform through its first offered service (the service desk needs one)."""
    dedicated = getattr(services, "training_request_create", None)
    if dedicated is not None:
        return dedicated(actor=actor, resource_name=resource_name, platform_id=platform_id, note=note)
    service = Service.objects.filter(provider_platform_id=platform_id, active=True).order_by("id").first()
    if service is None:
        raise ValidationFailed(_("this platform offers no service to send the request to; ask its managers"),
                               field="resource")
    title = _("Training request: %(resource)s") % {"resource": resource_name}
    return services.request_submit(actor=actor, service=service, title=title, details=note)
