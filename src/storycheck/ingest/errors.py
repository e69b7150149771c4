"""The one exception ingest raises for a bad input; its message is shown to the user."""

from __future__ import annotations


class InputError(Exception):
    """An input cannot be read. ``str(exc)`` is a one-line reason for people."""
