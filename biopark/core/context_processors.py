from __future__ import annotations

import importlib.util
from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from biopark import __version__
from biopark.core.nav import links_for
from biopark.core.policy import actor_for

# Apps that have pages, in the order the navigation shows them.
_APP_LINKS = [
    ("facilities", "/facilities/", _("Facilities")),
    ("pipeline", "/pipeline/", _("Projects")),
    ("services", "/services/", _("Services")),
    ("rankings", "/rankings/", _("Rankings")),
]


@lru_cache(maxsize=1)
def _present_apps() -> tuple[str, ...]:
    return tuple(app for app, _url, _label in _APP_LINKS if importlib.util.find_spec(f"biopark.{app}.urls"))


def biopark(request: HttpRequest) -> dict[str, Any]:
    actor = actor_for(getattr(request, "user", None))
    present = _present_apps()
    links = [{"url": url, "label": label} for app, url, label in _APP_LINKS if app in present]
    # Links registered by apps (biopark.core.nav), already filtered by what the reader may use.
    links += [{"url": link.url, "label": link.label} for link in links_for(actor)]
    return {"biopark_version": __version__, "actor": actor, "app_links": links}
