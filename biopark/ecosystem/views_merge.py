"""The page that merges an organisation record into another: choose the survivor, read what would move,
confirm. Thin: the selectors and the service in biopark.ecosystem.merge do the work."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from biopark.core.errors import DomainError
from biopark.core.params import Params
from biopark.ecosystem import merge
from biopark.ecosystem.models import Organisation
from biopark.ecosystem.views import _forbidden, _visible_or_404


def organisation_merge(request: HttpRequest, pk: int) -> HttpResponse:
    duplicate = _visible_or_404(request, Organisation, pk)
    if not merge.may_merge_away(request.user, duplicate):
        return _forbidden(request, _("you may not merge this organisation into another"))
    source = request.POST if request.method == "POST" else request.GET
    params = Params(source)
    into, q = params.int("into"), params.text("q")
    context: dict = {"obj": duplicate, "q": q, "error_message": ""}
    if into is None:
        context["candidates"] = merge.merge_candidates(user=request.user, duplicate=duplicate, q=q)
        return render(request, "ecosystem/merge.html", context)
    keep = _visible_or_404(request, Organisation, into)
    decision = merge.merge_decision(request.user, keep, duplicate)
    if not decision:
        return _forbidden(request, decision.reason)
    if request.method == "POST":
        try:
            summary = merge.organisation_merge(actor=request.user, keep=keep, duplicate=duplicate)
        except DomainError as exc:
            if exc.status == 403:
                return _forbidden(request, exc.message)
            context["error_message"] = exc.message
        else:
            moved = sum(len(o.moved) for o in summary.moved.values())
            messages.success(
                request,
                _("%(name)s was merged into this record; %(count)s linked rows moved.")
                % {"name": summary.duplicate_name, "count": moved},
            )
            return redirect(f"/organisations/{keep.pk}/")
    context.update({"keep": keep, "plan": merge.merge_preview(keep=keep, duplicate=duplicate)})
    return render(request, "ecosystem/merge.html", context, status=422 if context["error_message"] else 200)
