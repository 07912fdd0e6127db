"""The one NinjaAPI: every app's router is mounted under /api/v1/."""

from __future__ import annotations

from biopark.accounts.auth import OptionalAuth
from biopark.core.api_errors import install_error_handlers
from biopark.core.modules import optional_module
from biopark.core.openapi import BioParkAPI, ObjectBodyParser

api = BioParkAPI(
    title="BioPark API",
    version="1",
    description="Registry, facilities, pipeline, services and rankings of a biomedical innovation park. "
    "Authenticate with `Authorization: Bearer <token>` (create one with `biopark token USER`). "
    "Errors always have the form {\"error\": {\"code\", \"message\", \"fields\"}}.",
    auth=OptionalAuth(),
    urls_namespace="api",
    parser=ObjectBodyParser(),
)
install_error_handlers(api)

# Each app that has an API exposes `router` in its api module; apps still being built are skipped.
_ROUTERS = [
    ("biopark.ecosystem.api", ""),
    ("biopark.accounts.api", "/auth"),
    ("biopark.facilities.api", "/facilities"),
    ("biopark.pipeline.api", "/pipeline"),
    ("biopark.services.api", "/services"),
    ("biopark.rankings.api", "/rankings"),
    ("biopark.metrics.api", "/metrics"),
    ("biopark.deals.api", "/deals"),
]
for module_name, prefix in _ROUTERS:
    module = optional_module(module_name)
    if module is not None:
        api.add_router(prefix, module.router)
