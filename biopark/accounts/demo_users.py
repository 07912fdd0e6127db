"""The demo sign-ins, kept in the kernel (biopark.core.demo_users) so that `biopark serve` can list them."""

from biopark.core.demo_users import DEMO_PASSWORD, DEMO_USERS

__all__ = ["DEMO_PASSWORD", "DEMO_USERS"]
