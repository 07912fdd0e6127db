"""Asking a platform for training on a resource that needs a qualification.

The request itself is a service-desk request; the service desk sits beside facilities in the layers, so it
cannot be called from here. A module above both registers the function that makes it (biopark.urls wires
`biopark.training_requests.request_training`); the page calls `training_request`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from biopark.core.errors import ValidationFailed
from biopark.facilities.models import Resource

# (actor, resource_name, platform_id, note) -> the request made
Requester = Callable[..., Any]
_requester: list[Requester] = []


def register_training_requester(requester: Requester) -> None:
    """Set the function that files a training request (the last registration wins)."""
    _requester[:] = [requester]


def training_request(*, actor: Any, resource: Resource, note: str = "") -> Any:
    if not _requester:
        raise ValidationFailed(_("training requests cannot be made here yet; ask the platform's managers"),
                               field="resource")
    name = resource.name_zh or resource.name_en
    if resource.name_en and resource.name_en != name:
        name = f"{name} / {resource.name_en}"
    return _requester[0](actor=actor, resource_name=name, platform_id=resource.platform_id, note=note.strip()[:2000])
