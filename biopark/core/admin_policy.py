"""Admin screens ask the same permission policy as pages and API, and write only through the services.

`PolicyAdmin` is the base of every ModelAdmin of the project:

- every permission comes from `biopark.accounts.policy.decide` (class-level questions ask about the model);
- a save calls the admin's `service_create` / `service_update`, a delete its `service_delete`; an admin that
  defines none of them cannot add, change or delete (the screen is read-only), so nothing is written around
  the services (which check the policy on the record as it is and as it would be, and keep the history);
- m2m fields and inlines are never saved by the admin itself (a service that takes them does it);
- the bulk delete action is removed (deleting goes one record at a time, through `service_delete`);
- a `DomainError` raised by a service comes back as a form error and an admin message, never a server error;
- the change form of a versioned record carries the version it showed (`seen_version`), which the admin
  passes to the service (`expected_version`): a save over someone else's newer change is refused, the form
  comes back with what the user typed and the values now stored, and saving again then applies it;
- lists show only what the policy lets the user see (`policy.visible_filter`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from biopark.core import policy
from biopark.core.errors import DomainError, PreconditionFailed

# Set on the request when a service refused a save, so the second pass shows the refusal on the form.
_REFUSAL = "_biopark_admin_refusal"


def _overrides(admin_obj: Any, name: str) -> bool:
    return getattr(type(admin_obj), name) is not getattr(PolicyAdmin, name)


def _versioned(model: type[models.Model]) -> bool:
    return any(f.name == "version" for f in model._meta.concrete_fields)


class _VersionedForm(forms.ModelForm):
    """Carries the version of the record the form was shown with, and the values it showed (Django's hidden
    initial inputs): `changed_data` is then what the user edited, not what differs from the stored row, so a
    save after a conflict writes the user's edits and never reverts fields someone else changed meanwhile."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = getattr(self.instance, "version", None)
        for name, field in self.fields.items():
            if name != "seen_version":
                field.show_hidden_initial = True


def _stored_values(error: PreconditionFailed) -> str:
    return "; ".join(f"{name} = {value!r}" for name, value in sorted(error.current.items()))


def _with_refusal(form_class: Any, error: DomainError) -> Any:
    """`form_class` with the service's refusal added to the fields it names (or to the whole form)."""

    class RefusedForm(form_class):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if isinstance(error, PreconditionFailed) and self.is_bound and "seen_version" in self.fields:
                # The user has now seen the newer values: saving this form again applies what they typed.
                posted: Any = self.data.copy()  # type: ignore[has-type]
                posted[self.add_prefix("seen_version")] = str(error.current_version)
                self.data = posted

        def clean(self) -> Any:
            data = super().clean()
            placed = False
            for name, message in error.fields.items():
                if name in self.fields:
                    self.add_error(name, message)
                    placed = True
            if isinstance(error, PreconditionFailed):
                self.add_error(None, _("%(message)s Now stored: %(values)s") % {
                    "message": error.message, "values": _stored_values(error)})
            elif not placed:
                self.add_error(None, error.message)
            return data

    return RefusedForm


class PolicyAdmin(admin.ModelAdmin):
    """A ModelAdmin whose permissions come from biopark.accounts.policy and whose writes go through services."""

    # --- the writes: subclasses define the ones their app has a service for ------------------------

    def service_create(self, request: HttpRequest, form: Any) -> models.Model:
        raise NotImplementedError

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """`obj` is the record as stored (read again), not the form's instance, which holds the new values."""
        raise NotImplementedError

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    # --- permissions ----------------------------------------------------------------------------------

    def _allowed(self, request: HttpRequest, action: str, obj: Any = None) -> bool:
        return policy.decide(request.user, action, obj if obj is not None else self.model).allowed

    def has_module_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff) and self._allowed(request, policy.VIEW)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and self._allowed(request, policy.VIEW, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return (
            _overrides(self, "service_create")
            and self.has_module_permission(request)
            and self._allowed(request, policy.CREATE)
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            _overrides(self, "service_update")
            and self.has_module_permission(request)
            and self._allowed(request, policy.CHANGE, obj)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            _overrides(self, "service_delete")
            and self.has_module_permission(request)
            and self._allowed(request, policy.DELETE, obj)
        )

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))
        if (
            obj is not None
            and _versioned(self.model)
            and "seen_version" not in fields
            and self.has_change_permission(request, obj)
        ):
            fields.append("seen_version")
        return fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(policy.visible_filter(request.user, self.model))

    # --- saving and deleting through the services -----------------------------------------------------

    @staticmethod
    def expected_version(form: Any) -> int | None:
        """The version of the record the change form was shown with (None when the form carried none)."""
        return form.cleaned_data.get("seen_version") if "seen_version" in form.fields else None

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            stored = self.model._default_manager.get(pk=obj.pk)
            saved = self.service_update(request, stored, form)
        else:
            saved = self.service_create(request, form)
        # The admin logs and redirects with `obj`: let it be the record as the service wrote it.
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing: m2m values go to the service with the rest of the form, and inlines are read-only."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.service_delete(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.service_delete(request, obj)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> Any:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            # Django's atomic block has rolled the attempt back. Show the form again, with what the user typed
            # and the service's reason on the field it names.
            if request.method != "POST" or getattr(request, _REFUSAL, None) is not None:
                raise
            setattr(request, _REFUSAL, exc)
            self.message_user(request, exc.message, messages.ERROR)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None and _versioned(self.model) and "form" not in kwargs and change:
            kwargs["form"] = type("VersionedForm", (_VersionedForm, self.form), {})
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, _REFUSAL, None)
        return _with_refusal(form, refusal) if refusal is not None else form

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return self.response_post_save_change(request, None)  # back to the list, with the message

    # --- actions that call a service per selected record ----------------------------------------------

    def run_per_record(
        self,
        request: HttpRequest,
        records: Iterable[Any],
        write: Callable[[Any], Any],
        done: Callable[[int], str],
    ) -> HttpResponse | None:
        """Call `write` on each record, each in its own transaction; report how many succeeded and, for each
        refusal, which record and why."""
        count = 0
        for record in records:
            try:
                with transaction.atomic():
                    write(record)
            except DomainError as exc:
                self.message_user(request, _("%(record)s: %(reason)s") % {"record": record, "reason": exc.message},
                                  messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done(count), messages.SUCCESS)
        return None


def changed_values(form: Any, names: Iterable[str], *, change: bool) -> dict[str, Any]:
    """The cleaned values of `names` a save should write: on a change only the fields the user changed (so a
    save never writes back stale values of fields it did not touch), on an add all of them."""
    wanted = set(form.changed_data) if change else None
    return {
        name: form.cleaned_data[name]
        for name in names
        if name in form.cleaned_data and (wanted is None or name in wanted)
    }
