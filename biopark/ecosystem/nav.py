"""The registry's links in the main navigation, each shown only to who may use it."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _

from biopark.core.nav import NavLink, register_nav
from biopark.core.policy import IMPORT, VIEW, Actor, decide
from biopark.ecosystem.fields import TYPE_NAMES
from biopark.ecosystem.models import Organisation, Park, Person, Platform


def _may_view(model: type[models.Model]) -> Callable[[Actor], bool]:
    return lambda actor: decide(actor, VIEW, model).allowed


def may_import(actor: Actor) -> bool:
    """The import page is for who may import records of some type (investors and viewers may not)."""
    return any(decide(actor, IMPORT, model).allowed for model in TYPE_NAMES.values())


def register() -> None:
    register_nav(NavLink("parks", "/parks/", _("Parks"), 10, _may_view(Park)))
    register_nav(NavLink("organisations", "/organisations/", _("Organisations"), 20, _may_view(Organisation)))
    register_nav(NavLink("people", "/people/", _("People"), 30, _may_view(Person)))
    register_nav(NavLink("platforms", "/platforms/", _("Platforms"), 40, _may_view(Platform)))
    register_nav(NavLink("import", "/import/", _("Import / export"), 90, may_import))
