"""Stage 1, ingest: read every common news format into clean, segmented articles.

Modules: ``sources`` (inputs → items), ``fetch`` (SSRF-safe http), ``decode`` (bytes →
text), the readers ``text``, ``html``, ``jsondoc`` and ``feeds`` (text → documents),
``clean`` + ``boilerplate`` (junk removal), ``segment`` (sentences with spans),
``language``, ``dedup`` (MinHash near-duplicates), and ``pipeline`` (the stage).
"""

from storycheck.ingest.errors import InputError
from storycheck.ingest.pipeline import (
    IngestOptions,
    Ingestor,
    IngestResult,
    build_article,
    detect_format,
    ingest,
)

__all__ = [
    "IngestOptions",
    "IngestResult",
    "Ingestor",
    "InputError",
    "build_article",
    "detect_format",
    "ingest",
]
