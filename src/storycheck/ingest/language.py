"""Language identification with py3langid on the start of the text (fast, offline)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

SAMPLE_CHARS = 1200
MIN_WORDS = 12


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, min_confidence: float = 0.5) -> str | None:
    """ISO 639-1 code of the text's language, or None when too short or unsure."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.split()) < MIN_WORDS:
        return None
    lang, prob = _identifier().classify(sample)
    return str(lang) if float(prob) >= min_confidence else None
