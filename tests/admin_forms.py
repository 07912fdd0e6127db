"""Helpers for admin tests: a staff client, and the POST an admin change form sends for a record (its
current values, with some changed), built from the admin's own form so the tests follow the screens."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.contrib import admin
from django.db import models
from django.test import Client, RequestFactory
from django.utils import timezone


def staff_client(user: Any) -> Client:
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def admin_url(model: type[models.Model], view: str = "changelist", pk: Any = None) -> str:
    opts = model._meta
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    if view == "changelist":
        return base
    if view == "add":
        return base + "add/"
    return f"{base}{pk}/{view}/"


def _post_value(name: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, bool):
        if value:
            out[name] = "on"
    elif value is None:
        out[name] = ""
    elif isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        out[f"{name}_0"] = local.date().isoformat()
        out[f"{name}_1"] = local.time().isoformat(timespec="seconds")
    elif isinstance(value, dt.date):
        out[name] = value.isoformat()
    elif isinstance(value, models.Model):
        out[name] = str(value.pk)
    elif isinstance(value, list | tuple):
        out[name] = ",".join(str(v.pk if isinstance(v, models.Model) else v) for v in value)
    else:
        out[name] = str(value)


def form_post(model: type[models.Model], user: Any, obj: Any = None, /, **changes: Any) -> dict[str, Any]:
    """What the admin form of `obj` (or the add form) posts unchanged, with `changes` (model values) applied;
    with the management forms of the inlines."""
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    # The form the user would see once signed in to the admin (staff), whether or not the test made it so yet.
    request.user = copy.copy(user)
    request.user.is_staff = True
    form_class = model_admin.get_form(request, obj, change=obj is not None)
    form = form_class(instance=obj)
    out: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if isinstance(bound.field.widget, admin.widgets.ManyToManyRawIdWidget) and isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        shown: dict[str, Any] = {}
        if isinstance(value, dt.datetime) and not hasattr(bound.field.widget, "widgets"):
            shown[bound.name] = timezone.localtime(value).isoformat()
        else:
            _post_value(bound.name, value, shown)
        if bound.field.show_hidden_initial:
            # The values the form showed, as Django's hidden initial inputs send them back.
            if isinstance(value, bool):
                out[f"initial-{bound.name}"] = str(value)
            else:
                out.update({f"initial-{key}": item for key, item in shown.items()})
        if bound.name not in changes:
            out.update(shown)
    for name, value in changes.items():
        _post_value(name, value, out)
    for formset, _inline in model_admin.get_formsets_with_inlines(request, obj):
        prefix = formset.get_default_prefix()
        initial = formset.model._default_manager.filter(**{formset.fk.name: obj}).count() if obj else 0
        out.update({f"{prefix}-TOTAL_FORMS": str(initial), f"{prefix}-INITIAL_FORMS": str(initial)})
    return out
