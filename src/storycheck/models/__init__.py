"""Model backends behind small interfaces: embeddings, NLI, and spaCy parsing.

Import cost is kept near zero: numpy, onnxruntime, spaCy and the model packages are
imported only when a model is first used. Typical use::

    from storycheck.models import get_embedder, get_nli, get_parser

    vectors = get_embedder().encode(sentences)           # (n, 384) unit float32
    probs = get_nli().relations([(premise, claim)])      # (n, 3): entail, neutral, contradict
    docs = get_parser(components=("ner",)).parse(texts)  # spaCy Docs, NER only

See :mod:`storycheck.models.registry` for names, defaults and configuration, and
docs/models.md for the models, their licenses and measured speed.
"""

from storycheck.models._deps import ModelUnavailableError
from storycheck.models.base import NLI, NLI_LABELS, Embedder, Parser, combine_windows
from storycheck.models.cache import EmbeddingCache
from storycheck.models.registry import (
    ConfigError,
    choose,
    clear_instances,
    get,
    get_embedder,
    get_fast_embedder,
    get_nli,
    get_parser,
    is_available,
)

__all__ = [
    "NLI",
    "NLI_LABELS",
    "ConfigError",
    "Embedder",
    "EmbeddingCache",
    "ModelUnavailableError",
    "Parser",
    "choose",
    "clear_instances",
    "combine_windows",
    "get",
    "get_embedder",
    "get_fast_embedder",
    "get_nli",
    "get_parser",
    "is_available",
]
