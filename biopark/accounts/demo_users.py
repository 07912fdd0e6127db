"""The demo sign-ins, kept in the kernel (biopark.core.demo_users) so that `biopark serve` can list them, and
their password hashed once for all of them."""

import functools

from django.conf import settings
from django.contrib.auth.hashers import make_password

from biopark.core.demo_users import DEMO_PASSWORD, DEMO_USERS

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "demo_password_hash"]


def demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once per process and hasher, for every demo user: the slow hash of a password
    everyone knows is worth nothing per user, and hashing it a dozen times took a third of `biopark demo`."""
    return _hash_with(settings.PASSWORD_HASHERS[0])


@functools.cache
def _hash_with(hasher: str) -> str:
    return make_password(DEMO_PASSWORD)
