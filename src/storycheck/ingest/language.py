"""Language identification with py3langid on the start of the text (fast, offline)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

SAMPLE_CHARS = 1200
MIN_WORDS = 12


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


#: Letters of scripts written without spaces between words (CJK, kana, Thai, Lao,
#: Khmer, Myanmar): there a character, not a word, is the unit of length.
_UNSPACED = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff"
    "\u1000-\u109f\u1780-\u17ff\uac00-\ud7af]"
)
#: Characters of an unspaced script that count as one "word" toward MIN_WORDS.
CHARS_PER_WORD = 2


def detect_language(text: str, min_confidence: float = 0.5) -> str | None:
    """ISO 639-1 code of the text's language, or None when too short or unsure.

    Length is counted in words, and in characters for scripts written without spaces
    (Chinese, Japanese, Thai…), which would otherwise always look too short to classify
    and be analysed as English.
    """
    sample = text[:SAMPLE_CHARS]
    words = len(sample.split()) + len(_UNSPACED.findall(sample)) // CHARS_PER_WORD
    if words < MIN_WORDS:
        return None
    lang, prob = _identifier().classify(sample)
    return str(lang) if float(prob) >= min_confidence else None
