"""Errors raised by the composite-indicator engine."""

from __future__ import annotations


class IndexInputError(ValueError):
    """Bad input tables, a bad recipe, or data a requested method cannot handle.

    The message always names the offending file/row/column/step so that a user can fix it;
    nothing is written to disk when this is raised.
    """
