"""`{% news_mentions record %}`: the documents that mention a registry record, for its page (the registry's
templates load this tag; the registry's code does not import the news app)."""

from __future__ import annotations

from typing import Any

from django import template

from biopark.news import selectors

register = template.Library()


@register.inclusion_tag("news/_mentions.html", takes_context=True)
def news_mentions(context: Any, record: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or record is None or getattr(record, "pk", None) is None:
        return {"documents": []}
    return {"documents": selectors.mentions_of(user, record)}
