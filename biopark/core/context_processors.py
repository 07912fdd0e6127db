from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from biopark import __version__
from biopark.core.nav import links_for
from biopark.core.policy import actor_for


def biopark(request: HttpRequest) -> dict[str, Any]:
    actor = actor_for(getattr(request, "user", None))
    # The links the apps registered (biopark.core.nav), only those the reader may use.
    path = getattr(request, "path", "")
    links = [
        {"key": link.key, "url": link.url, "label": link.label, "current": link.url != "/" and path.startswith(link.url)}
        for link in links_for(actor)
    ]
    return {"biopark_version": __version__, "actor": actor, "app_links": links}
