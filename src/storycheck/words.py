"""Counts in words, for every message and report: "1 story", "2 stories"."""

from __future__ import annotations

_IRREGULAR = {"story": "stories", "person": "people", "is": "are", "was": "were"}


def plural(n: int | float, word: str, many: str | None = None) -> str:
    """``plural(1, "story")`` → "1 story"; ``plural(3, "story")`` → "3 stories"; a phrase
    pluralises its last word ("1 disputed point", "2 disputed points")."""
    count = int(n) if float(n).is_integer() else n
    if count == 1:
        return f"{count} {word}"
    if many is None:
        head, _, last = word.rpartition(" ")
        if last in _IRREGULAR:
            last = _IRREGULAR[last]
        elif last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
            last = last[:-1] + "ies"
        elif last.endswith(("s", "x", "ch", "sh")):
            last += "es"
        else:
            last += "s"
        many = f"{head} {last}".strip()
    return f"{count} {many}"
