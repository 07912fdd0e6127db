"""biopark demo: build the demo data set (idempotent). It reports in the terminal's language."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from biopark.accounts.demo_users import DEMO_PASSWORD
from biopark.core.cli_language import speaks_terminal_language
from biopark.core.formatting import format_number
from biopark.core.modules import optional_module
from biopark.core.roles import Role
from biopark.demo.loader import ensure_demo_users, load_demo

# Apps that add to the demo, each with a `demo.build_demo()`; run in this order, skipped if absent. The title
# names the step in the report.
_APP_DEMOS: list[tuple[str, Promise]] = [
    ("biopark.facilities.demo", gettext_lazy("Facilities")),
    ("biopark.pipeline.demo", gettext_lazy("Pipeline")),
    ("biopark.services.demo", gettext_lazy("Services")),
    ("biopark.rankings.demo", gettext_lazy("Rankings")),
    ("biopark.demo.promotion", gettext_lazy("Investment promotion")),
    ("biopark.demo.financing", gettext_lazy("Financing")),
]

# What the demo steps count, by the keys they return (the registry's by model name). A model not listed here is
# named by its plural verbose name.
_COUNT_LABELS: dict[str, Promise] = {
    "Park": pgettext_lazy("demo count", "parks"),
    "Organisation": pgettext_lazy("demo count", "organisations"),
    "Person": pgettext_lazy("demo count", "people"),
    "Platform": pgettext_lazy("demo count", "platforms"),
    "Event": pgettext_lazy("demo count", "events"),
    "resources": gettext_lazy("resources"),
    "members": gettext_lazy("members"),
    "bookings": gettext_lazy("bookings"),
    "usage": gettext_lazy("usage records"),
    "outages": gettext_lazy("outages"),
    "article_projects": gettext_lazy("projects from the articles"),
    "synthetic_added": gettext_lazy("synthetic projects added"),
    "services": gettext_lazy("services"),
    "requests_added": gettext_lazy("service requests added"),
    "promotion fact leads": gettext_lazy("leads from the articles"),
    "synthetic leads": gettext_lazy("synthetic leads"),
    "financing_needs": gettext_lazy("financing needs"),
    "mandates": gettext_lazy("synthetic mandates"),
    "Target": gettext_lazy("park targets"),
}


def count_label(key: str) -> str:
    """A count's name for a person: the step's own label, else the model's plural name, else the key."""
    if key in _COUNT_LABELS:
        return str(_COUNT_LABELS[key])
    for model in apps.get_models():
        if model.__name__ == key and model.__module__.startswith("biopark."):
            return str(model._meta.verbose_name_plural)
    return key


def describe_counts(counts: dict[str, int], *, added: bool = False) -> str:
    sign = "+" if added else ""
    language = translation.get_language()
    return _(", ").join(f"{count_label(key)} {sign}{format_number(value, language)}" for key, value in counts.items())


def describe_result(result: Any) -> str:
    if result is None:
        return _("done")
    if isinstance(result, dict):
        return describe_counts(result) or _("up to date")
    return str(result)


class Command(BaseCommand):
    help = "Build the demo data set from the articles' facts, with demo sign-ins for every role."
    # `make run` has run the system checks with `migrate` just before; the demo skips them (they import
    # every URL and API module, a second or more of a demo meant to take seconds).
    requires_system_checks: list[str] = []

    @speaks_terminal_language
    def handle(self, *args: object, **options: object) -> None:
        counts = load_demo(log=self.stdout.write)
        users = ensure_demo_users()
        registry = describe_counts(counts, added=True) or _("up to date")
        self.stdout.write(_("Registry: %(counts)s") % {"counts": registry})
        for module_name, title in _APP_DEMOS:
            module = optional_module(module_name)
            if module is None:
                continue
            result = module.build_demo()
            self.stdout.write(_("%(step)s: %(result)s") % {"step": title, "result": describe_result(result)})
        sign_ins = _(", ").join(
            _("%(username)s (%(role)s)") % {"username": username, "role": Role(role).label} for username, role in users
        )
        self.stdout.write(_("Demo sign-ins (password %(password)s): %(users)s")
                          % {"password": DEMO_PASSWORD, "users": sign_ins})
