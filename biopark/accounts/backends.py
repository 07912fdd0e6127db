"""Sign-in with a user name and password, and the signed-in user of each request read with its profile.

Every page asks for the reader's role, organisation and park (biopark.core.policy.actor_for reads them from
the profile), so reading the profile in the same query as the user saves a query on every signed-in request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse

PROFILE_BACKEND = "biopark.accounts.backends.ProfileModelBackend"
# The backend that sessions made before ProfileModelBackend name (Django stores the backend's path in the session).
LEGACY_BACKEND = "django.contrib.auth.backends.ModelBackend"


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("profile").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class LegacySessionBackend:
    """Sessions signed in before ProfileModelBackend replaced ModelBackend name ModelBackend, which Django would
    no longer accept (it signs such a session out). Rename it in the session, so those readers stay signed in."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(BACKEND_SESSION_KEY) == LEGACY_BACKEND:
            session[BACKEND_SESSION_KEY] = PROFILE_BACKEND
        return self.get_response(request)
