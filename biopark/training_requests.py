"""Facilities' "request training" filed as a service-desk request (wired in biopark.urls).

Facilities and services stand in one layer and may not import each other, so the project package joins them:
facilities keeps a registry of the function to call, and this module gives it the services' own."""

from __future__ import annotations

from typing import Any

from biopark.services import services


def request_training(*, actor: Any, resource_name: str, platform_id: int, note: str) -> Any:
    """A training request to the platform (services.training_request_create picks or makes its service)."""
    return services.training_request_create(
        actor=actor, resource_name=resource_name, platform_id=platform_id, note=note
    )
