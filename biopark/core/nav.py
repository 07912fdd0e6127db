"""The main navigation: apps register their links, the page header shows those the reader may use.

A link's ``visible`` decides per actor (role, park, organisation), so a role never sees a link that would
answer 403. Apps register in their ``AppConfig.ready``; the kernel keeps only the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from biopark.core.policy import Actor


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
