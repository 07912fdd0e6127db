"""The one NinjaAPI: every app's router is mounted under /api/v1/."""

from __future__ import annotations

from biopark.accounts.auth import OptionalAuth
from biopark.core.api_errors import install_error_handlers
from biopark.core.openapi import BioParkAPI, ObjectBodyParser
from biopark.deals import api as deals_api
from biopark.ecosystem import api as ecosystem_api
from biopark.facilities import api as facilities_api
from biopark.financing import api as financing_api
from biopark.metrics import api as metrics_api
from biopark.news import api as news_api
from biopark.pipeline import api as pipeline_api
from biopark.promotion import api as promotion_api
from biopark.rankings import api as rankings_api
from biopark.services import api as services_api

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

# Every app's router, listed once: a module that is missing or has no router fails at start, not silently.
api.add_router("", ecosystem_api.router)
api.add_router("/facilities", facilities_api.router)
api.add_router("/pipeline", pipeline_api.router)
api.add_router("/services", services_api.router)
api.add_router("/rankings", rankings_api.router)
api.add_router("/metrics", metrics_api.router)
api.add_router("/deals", deals_api.router)
api.add_router("/promotion", promotion_api.router)
api.add_router("/financing", financing_api.router)
api.add_router("/news", news_api.router)
