"""What other apps show on a project's page. The pipeline imports no app that builds on it, so an app with
something to say about a project (facilities: the bookings made for it) registers a function here in its
AppConfig.ready; without that app the page simply has no such panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from biopark.pipeline.models import Project

# (booking, its local start, its local end) for each booking made for the project that the user may see.
BookingRows = list[tuple[Any, dt.datetime, dt.datetime]]
_project_bookings: Callable[[Any, Project], BookingRows] | None = None


def register_project_bookings(provider: Callable[[Any, Project], BookingRows]) -> None:
    global _project_bookings
    _project_bookings = provider


def project_bookings(user: Any, project: Project) -> BookingRows:
    if _project_bookings is None or not getattr(user, "is_authenticated", False):
        return []
    return _project_bookings(user, project)
