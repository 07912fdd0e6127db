"""One demo sign-in per role, made by `biopark demo`."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.auth.hashers import make_password

DEMO_PASSWORD = "biopark-demo"


def demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once per process and hasher, for every demo user: the slow hash of a password
    everyone knows is worth nothing per user, and hashing it a dozen times took a third of `biopark demo`."""
    return _hash_with(settings.PASSWORD_HASHERS[0])


@functools.cache
def _hash_with(hasher: str) -> str:
    return make_password(DEMO_PASSWORD)

# (username, role, what it is attached to: a park key, an organisation key, or nothing)
DEMO_USERS: list[tuple[str, str, str]] = [
    ("admin", "admin", ""),
    ("operator", "operator", "park:chengdu-hitech"),
    ("platform", "platform_manager", "platform-operator"),
    ("enterprise", "enterprise_member", "enterprise"),
    ("investor", "investor", ""),
    ("viewer", "viewer", ""),
]
