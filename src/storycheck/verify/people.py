"""One name per person across articles: "Zelensky", "Zelenskyy" and "Volodymyr Zelenskyy"
are the same person; "Putin" and "Vladimir Putin" too.

Names are grouped by surname (diacritics folded, fuzzy match ≥ 85 with rapidfuzz so that
transliteration variants meet) when their first names, where both have one, agree. The
longest, most frequent full form is the display name.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz

from storycheck.model import Entity

SURNAME_SIMILARITY = 85


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def _parts(name: str) -> tuple[str, str]:
    words = _fold(name).replace("’s", "").replace("'s", "").split()
    if not words:
        return "", ""
    return (words[0] if len(words) > 1 else ""), words[-1]


class People:
    """Canonical names for the persons of a story."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        counts: Counter[str] = Counter()
        for entity in entities:
            if entity.label == "PERSON":
                counts[entity.name] += len(entity.mentions) or 1
        groups: list[list[str]] = []
        for name in sorted(counts, key=lambda n: (-len(n.split()), -counts[n], n)):
            first, last = _parts(name)
            for group in groups:
                g_first, g_last = _parts(group[0])
                if fuzz.ratio(last, g_last) >= SURNAME_SIMILARITY and (
                    not first or not g_first or first == g_first or first[0] == g_first[0]
                ):
                    group.append(name)
                    break
            else:
                groups.append([name])
        self._canonical: dict[str, str] = {}
        for group in groups:
            display = max(group, key=lambda n: (len(n.split()), counts[n], n))
            for name in group:
                self._canonical[name] = display
        self.names: dict[str, list[str]] = defaultdict(list)
        for name, display in self._canonical.items():
            self.names[display].append(name)

    def canonical(self, name: str | None) -> str | None:
        """The story-wide name for a person (unknown names are returned as they are)."""
        if name is None:
            return None
        if name in self._canonical:
            return self._canonical[name]
        _, last = _parts(name)
        for known, display in self._canonical.items():
            if _parts(known)[1] == last and last:
                return display
        return name

    def persons(self) -> list[str]:
        """The display names of all persons."""
        return sorted(self.names)

    def is_person(self, name: str) -> bool:
        """A known person's name, full or surname only ("Trump" when the tagger said ORG)."""
        if name in self._canonical:
            return True
        _, last = _parts(name)
        return bool(last) and any(_parts(known)[1] == last for known in self._canonical)

    def same(self, a: str | None, b: str | None) -> bool:
        return a is not None and b is not None and self.canonical(a) == self.canonical(b)
