"""One demo sign-in per role, made by `biopark demo` and listed by `biopark serve` (both need it, so it lives
in the kernel)."""

from __future__ import annotations

DEMO_PASSWORD = "biopark-demo"

# (username, role, what it is attached to: a park key, an organisation key, or nothing)
DEMO_USERS: list[tuple[str, str, str]] = [
    ("admin", "admin", ""),
    ("operator", "operator", "park:chengdu-hitech"),
    ("platform", "platform_manager", "platform-operator"),
    ("enterprise", "enterprise_member", "enterprise"),
    ("investor", "investor", "org:junlian-capital"),
    ("viewer", "viewer", ""),
]
