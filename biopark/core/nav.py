"""The main navigation: apps register their links, the page header shows those the reader may use.

A link's ``visible`` decides per actor (role, park, organisation), so a role never sees a link that would
answer 403. Apps register in their ``AppConfig.ready``; the kernel keeps only the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from biopark.core.policy import VIEW, Actor, decide


def everyone(actor: Actor) -> bool:
    return True


def signed_in(actor: Actor) -> bool:
    return actor.is_authenticated


@dataclass(frozen=True)
class NavLink:
    key: str
    url: str
    label: Any  # a lazy translation
    order: int = 100
    visible: Callable[[Actor], bool] = everyone


_LINKS: dict[str, NavLink] = {}


def register_nav(link: NavLink) -> None:
    """Register (or replace, by key) a navigation link."""
    _LINKS[link.key] = link


def links_for(actor: Actor) -> list[NavLink]:
    return sorted((link for link in _LINKS.values() if link.visible(actor)), key=lambda link: (link.order, link.key))


def may_view(model_label: str) -> Callable[[Actor], bool]:
    """A link shown to whoever the policy lets see records of `model_label` ("app.Model") at all."""

    def visible(actor: Actor) -> bool:
        if not apps.is_installed(f"biopark.{model_label.split('.')[0]}"):
            return False
        return decide(actor, VIEW, apps.get_model(model_label)).allowed

    return visible


# The apps' pages, each shown to the roles whose policy lets them see the app's records. Registered by the
# kernel (it names the apps only by label); an app registering a link with the same key replaces its entry.
APP_LINKS = (
    ("facilities", "/facilities/", _("Facilities"), 50, "facilities.Resource"),
    ("pipeline", "/pipeline/", _("Projects"), 60, "pipeline.Project"),
    ("services", "/services/", _("Services"), 70, "services.Service"),
    ("rankings", "/rankings/", _("Rankings"), 80, "rankings.Run"),
)


def register_app_links() -> None:
    for key, url, label, order, model_label in APP_LINKS:
        if key not in _LINKS:
            register_nav(NavLink(key, url, label, order, may_view(model_label)))
