from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.db.models import Q


class RankingsConfig(AppConfig):
    name = "biopark.rankings"
    label = "rankings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.accounts import policy
        from biopark.rankings.rules import FILTERS, RULES

        actions = (*policy.BASIC_ACTIONS, policy.IMPORT)
        for model, rule in RULES.items():
            policy.register_rule(model, rule, visible=_view_filter(FILTERS[model]), actions=actions)

        from biopark.core import background
        from biopark.rankings import jobs

        # Every worker sweeps the runs whose worker died (see biopark.core.background).
        background.register_sweeper("rankings.runs", jobs.expire_stale)


def _view_filter(by_action: Callable[[Any, str], Q]) -> Callable[[Any], Q]:
    """A rule's filter for VIEW, as the policy asks for it."""

    def visible(actor: Any) -> Q:
        return by_action(actor, "view")

    return visible
