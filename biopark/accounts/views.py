"""The account pages: the signed-in user's tokens and feeds, password change and reset. Thin: the writes are
in biopark.accounts.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from biopark.accounts import selectors, services
from biopark.core.errors import DomainError, NotFound


def _account(request: HttpRequest, *, raw: str | None = None, errors: dict[str, str] | None = None,
             status: int = 200) -> HttpResponse:
    context = {
        "raw": raw,
        "errors": errors or {},
        "api_tokens": selectors.api_tokens_of(user=request.user),
        "feed_tokens": selectors.feed_tokens_of(user=request.user),
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    """The signed-in user's account: API tokens and calendar feeds (list, revoke, create), password links."""
    return _account(request)


@login_required
def token_page(request: HttpRequest) -> HttpResponse:
    """The old address of the token page: GET shows the account page, POST makes a token as before."""
    if request.method == "POST":
        return api_token_create(request)
    return redirect("account")


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Make an API token; its value is shown on this answer only (a redirect would have to carry it)."""
    try:
        _token, raw = services.api_token_create(actor=request.user, name=request.POST.get("name", ""))
    except DomainError as exc:
        return _account(request, errors=exc.fields, status=exc.status)
    return _account(request, raw=raw)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.api_token_revoke(actor=request.user, token_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("The API token is revoked."))
    return redirect("account")


@login_required
@require_POST
def feed_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.feed_token_revoke(actor=request.user, token_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("The calendar feed is revoked; its address no longer works."))
    return redirect("account")


class LoginForm(AuthenticationForm):
    """Django's sign-in form, with its user-name length enforced: Django only sets the field's max_length
    after the field is built, so a longer name reached authenticate(), and django-axes then failed to
    record the attempt in its 255-character column (a server error on PostgreSQL)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page (old password, new password twice), but the change goes through the service, which
    also revokes the user's API and feed tokens."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.user
        try:
            api, feeds = services.user_password_change(
                actor=user, user=user, password=form.cleaned_data["new_password1"]
            )
        except DomainError as exc:
            form.add_error("new_password1", exc.message)
            return self.form_invalid(form)
        # Keep this browser signed in; other sessions of the user end with the old password.
        update_session_auth_hash(self.request, user)
        if api or feeds:
            messages.info(
                self.request,
                _("%(api)d API token(s) and %(feeds)d calendar feed(s) were revoked.") % {"api": api, "feeds": feeds},
            )
        return HttpResponseRedirect(str(self.get_success_url()))


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password from an e-mailed link: through the service, so the tokens are revoked too."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.user
        try:
            services.user_password_change(actor=user, user=user, password=form.cleaned_data["new_password1"])
        except DomainError as exc:
            form.add_error("new_password1", exc.message)
            return self.form_invalid(form)
        # What Django's view does after saving: forget the link's token so the link cannot be used again.
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(str(self.get_success_url()))


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, writing the e-mail in the account holder's language (their chosen one, else the
    language of the page they asked from)."""

    def send_mail(self, subject_template_name: str, email_template_name: str, context: dict[str, Any],
                  from_email: str | None, to_email: str, html_email_template_name: str | None = None) -> None:
        from django.utils import translation

        from biopark.core.mail import recipient_language

        with translation.override(recipient_language(context.get("user"), translation.get_language())):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)
