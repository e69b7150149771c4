"""The ingest stage: inputs → documents → cleaned, segmented, de-duplicated articles.

``Ingestor.run`` processes inputs one by one, so memory stays flat and each input's
articles are written to the store in one transaction: a run that is killed leaves a
readable store, and the next run skips every input it already holds (keyed by the
hash of the input's bytes) and completes the rest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storycheck.ingest.clean import clean_body, clean_field
from storycheck.ingest.decode import DEFAULT_MAX_BYTES, check_size, decode_bytes
from storycheck.ingest.dedup import NearDuplicateIndex, signature
from storycheck.ingest.errors import InputError
from storycheck.ingest.feeds import looks_like_feed, read_feed
from storycheck.ingest.fetch import DEFAULT_TIMEOUT, Fetcher
from storycheck.ingest.html import read_html
from storycheck.ingest.jsondoc import iter_jsonl, read_json
from storycheck.ingest.language import detect_language
from storycheck.ingest.segment import SegmenterName, sentence_spans
from storycheck.ingest.sources import InputItem, expand_inputs, read_stdin
from storycheck.ingest.text import read_markdown, read_text
from storycheck.model import Article, Document, InputProblem, Sentence, SourceFormat
from storycheck.store import Store

SHORT_ARTICLE_WORDS = 60


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How ingest reads its inputs."""

    title_line: bool = True
    allow_private: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    dedup_threshold: float = 0.8
    segmenter: SegmenterName = "rules"
    fetch_feed_links: bool = True


@dataclass(slots=True)
class IngestResult:
    """Articles of this run in input order (syndicated copies merged) and the problems."""

    articles: list[Article] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    inputs: int = 0
    new: int = 0
    known: int = 0
    merged: int = 0


# --- format detection ----------------------------------------------------------------

_SUFFIX_FORMATS = {
    ".txt": SourceFormat.TEXT,
    ".text": SourceFormat.TEXT,
    ".md": SourceFormat.MARKDOWN,
    ".markdown": SourceFormat.MARKDOWN,
    ".html": SourceFormat.HTML,
    ".htm": SourceFormat.HTML,
    ".xhtml": SourceFormat.HTML,
    ".json": SourceFormat.JSON,
    ".jsonl": SourceFormat.JSONL,
    ".ndjson": SourceFormat.JSONL,
    ".rss": SourceFormat.FEED,
    ".atom": SourceFormat.FEED,
}


def _sniff(text: str) -> SourceFormat:
    head = text.lstrip()[:2000]
    if head.startswith("<"):
        return SourceFormat.FEED if looks_like_feed(head) else SourceFormat.HTML
    if head.startswith(("{", "[")):
        lines = [line for line in text.strip().split("\n") if line.strip()]
        if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines[:5]):
            try:
                json.loads(text)
            except json.JSONDecodeError:
                return SourceFormat.JSONL
        return SourceFormat.JSON
    return SourceFormat.TEXT


def detect_format(source: str, text: str, content_type: str = "") -> SourceFormat:
    """The input's format from its name, then its content type, then its content."""
    name = source.split("?", 1)[0].split("#", 1)[0].lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = Path(name).suffix
    if suffix in _SUFFIX_FORMATS:
        return _SUFFIX_FORMATS[suffix]
    if suffix == ".xml":
        return SourceFormat.FEED if looks_like_feed(text) else SourceFormat.HTML
    ctype = content_type.split(";", 1)[0].strip()
    if ctype in ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml"):
        return SourceFormat.FEED if looks_like_feed(text) else SourceFormat.HTML
    if ctype in ("text/html", "application/xhtml+xml"):
        return SourceFormat.FEED if looks_like_feed(text) else SourceFormat.HTML
    if ctype in ("application/json", "application/x-ndjson", "application/jsonl"):
        return _sniff(text)
    if ctype == "text/markdown":
        return SourceFormat.MARKDOWN
    return _sniff(text)


# --- building articles ---------------------------------------------------------------


def build_article(doc: Document, segmenter: SegmenterName = "rules") -> Article:
    """Clean, segment and identify one document; raises InputError if no text is left."""
    body = clean_body(doc.text)
    if not body.paragraphs:
        raise InputError("no article text left after removing page junk")
    text = "\n\n".join(body.paragraphs)
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    article_id = content_hash[:12]
    sentences: list[Sentence] = []
    offset = 0
    for p_index, paragraph in enumerate(body.paragraphs):
        for start, end in sentence_spans(paragraph, segmenter):
            sentences.append(
                Sentence(
                    article_id=article_id,
                    index=len(sentences),
                    start=offset + start,
                    end=offset + end,
                    text=paragraph[start:end],
                    paragraph=p_index,
                )
            )
        offset += len(paragraph) + 2
    language = doc.language or detect_language(text)
    if language:
        language = language.split("-", 1)[0].split("_", 1)[0].lower()
    flags: list[str] = []
    if language and language != "en":
        flags.append("non-english")
    if len(text.split()) < SHORT_ARTICLE_WORDS:
        flags.append("short")
    title, outlet = clean_field(doc.title), clean_field(doc.outlet)
    if not title:
        flags.append("no-title")
    return Article(
        id=article_id,
        source=doc.source,
        format=doc.format,
        text=text,
        paragraphs=body.paragraphs,
        sentences=tuple(sentences),
        content_hash=content_hash,
        title=title,
        outlet=outlet,
        author=clean_field(doc.author),
        published=doc.published,
        url=clean_field(doc.url),
        language=language,
        outlets=(outlet,) if outlet else (),
        removed_lines=body.removed,
        flags=tuple(flags),
    )


def merge_duplicate(kept: Article, copy: Article) -> Article:
    """Fold a syndicated copy into the article kept as the one independent source."""
    outlets = list(kept.outlets)
    if copy.outlet and copy.outlet not in outlets:
        outlets.append(copy.outlet)
    sources = list(kept.duplicate_sources)
    if copy.source not in sources and copy.source != kept.source:
        sources.append(copy.source)
    flags = kept.flags if "syndicated" in kept.flags else (*kept.flags, "syndicated")
    return dataclasses.replace(
        kept, outlets=tuple(outlets), duplicate_sources=tuple(sources), flags=flags
    )


# --- the stage ---------------------------------------------------------------------------

Progress = Callable[[InputItem], None]


class Ingestor:
    """Reads inputs into articles, optionally persisting them in a :class:`Store`."""

    def __init__(self, options: IngestOptions | None = None, store: Store | None = None) -> None:
        self.options = options or IngestOptions()
        self.store = store
        self._index = NearDuplicateIndex(self.options.dedup_threshold)
        self._fetcher: Fetcher | None = None
        if store is not None:
            for article_id, sig in store.signatures():
                self._index.add(article_id, sig)

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(
                allow_private=self.options.allow_private,
                timeout=self.options.timeout,
                max_bytes=self.options.max_bytes,
            )
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    # reading ------------------------------------------------------------------------------

    def _read_bytes(self, item: InputItem) -> tuple[bytes, str, str]:
        """(bytes, content type, final source name) of an input item."""
        if item.kind == "url":
            fetched = self.fetcher.get(item.source)
            return fetched.content, fetched.content_type, fetched.url
        if item.kind == "stdin":
            data = read_stdin(self.options.max_bytes)
            return data, "", item.source
        assert item.path is not None
        try:
            check_size(item.path.stat().st_size, self.options.max_bytes)
            return item.path.read_bytes(), "", item.source
        except PermissionError:
            raise InputError("permission denied") from None
        except OSError as exc:
            raise InputError(f"cannot read ({exc.strerror or exc})") from None

    def _documents(
        self, source: str, text: str, fmt: SourceFormat, problems: list[InputProblem]
    ) -> Iterable[Document]:
        if fmt is SourceFormat.TEXT:
            yield read_text(text, source, title_line=self.options.title_line)
        elif fmt is SourceFormat.MARKDOWN:
            yield read_markdown(text, source, title_line=self.options.title_line)
        elif fmt is SourceFormat.HTML:
            url = source if "://" in source else None
            yield read_html(text, source, url=url)
        elif fmt is SourceFormat.JSON or fmt is SourceFormat.JSONL:
            entries = (
                read_json(text, source) if fmt is SourceFormat.JSON else iter_jsonl(text, source)
            )
            for entry in entries:
                if isinstance(entry, InputError):
                    problems.append(InputProblem(source, str(entry), fatal=False))
                else:
                    yield entry
        else:
            feed = read_feed(text, source)
            yield from feed.documents
            for pending in feed.pending:
                if not self.options.fetch_feed_links or not pending.url:
                    problems.append(InputProblem(pending.source, "feed entry has no full text"))
                    continue
                try:
                    fetched = self.fetcher.get(pending.url)
                    page = read_html(
                        decode_bytes(fetched.content, self.options.max_bytes),
                        fetched.url,
                        url=fetched.url,
                    )
                except InputError as exc:
                    problems.append(InputProblem(pending.url, str(exc), fatal=False))
                    continue
                yield dataclasses.replace(
                    page,
                    format=SourceFormat.FEED,
                    title=page.title or pending.title,
                    outlet=page.outlet or pending.outlet,
                    author=page.author or pending.author,
                    published=page.published or pending.published,
                )

    # the run ---------------------------------------------------------------------------

    def run(self, inputs: Sequence[str], progress: Progress | None = None) -> IngestResult:
        items, problems = expand_inputs(inputs)
        result = IngestResult(problems=list(problems), inputs=len(items))
        by_id: dict[str, Article] = {}
        for item in items:
            try:
                self._process(item, result, by_id)
            except InputError as exc:
                result.problems.append(InputProblem(item.source, str(exc)))
            except (RecursionError, ValueError, UnicodeError, OverflowError, LookupError) as exc:
                # a reader bug this input found: one problem line for it, the other inputs
                # are still read (#17: one bad input used to end the whole run)
                reason = f"could not be read ({type(exc).__name__}: {str(exc)[:200]})"
                result.problems.append(InputProblem(item.source, reason))
            if progress is not None:
                progress(item)
        result.articles = list(by_id.values())
        return result

    def _process(self, item: InputItem, result: IngestResult, by_id: dict[str, Article]) -> None:
        data, content_type, source = self._read_bytes(item)
        raw_hash = hashlib.sha256(data).hexdigest()
        if self.store is not None:
            known = self.store.input_articles(raw_hash, item.source)
            if known is not None:
                for article in self.store.get_articles(known):
                    by_id.setdefault(article.id, article)
                result.known += len(known)
                return
        text = decode_bytes(data, self.options.max_bytes)
        fmt = detect_format(source, text, content_type)
        produced: list[str] = []
        changed: dict[str, Article] = {}
        signatures: dict[str, object] = {}
        fresh: set[str] = set()  # ids counted as new by this input
        for doc in self._documents(source, text, fmt, result.problems):
            try:
                article = build_article(doc, self.options.segmenter)
            except InputError as exc:
                result.problems.append(InputProblem(doc.source, str(exc), fatal=False))
                continue
            existing = by_id.get(article.id) or changed.get(article.id)
            if existing is None and self.store is not None:
                existing = self.store.get_article(article.id)
            sig = signature(article.text)
            match_id = article.id if existing is not None else None
            if match_id is None:
                near = self._index.find(sig)
                match_id = near[0] if near else None
            if match_id is not None:
                kept = changed.get(match_id) or by_id.get(match_id)
                if kept is None and self.store is not None:
                    kept = self.store.get_article(match_id)
                if kept is not None:
                    merged = (
                        merge_duplicate(kept, article) if kept.source != article.source else kept
                    )
                    changed[merged.id] = merged
                    by_id[merged.id] = merged
                    produced.append(merged.id)
                    result.merged += int(merged is not kept)
                    continue
            self._index.add(article.id, sig)
            signatures[article.id] = sig
            changed[article.id] = article
            by_id[article.id] = article
            produced.append(article.id)
            fresh.add(article.id)
            result.new += 1
        if not produced and not any(p.source.startswith(item.source) for p in result.problems):
            raise InputError("no articles found")
        if self.store is not None:
            with self.store.transaction():
                # another ingest (a second process) may have stored the same input or
                # articles since they were looked up: re-check under the write lock, so
                # new + known adds up to what was read and nothing is counted twice
                if self.store.input_articles(raw_hash, item.source) is not None:
                    result.new -= len(fresh)
                    result.known += len(produced)
                    return
                for article in changed.values():
                    if article.id in fresh and self.store.has_article(article.id):
                        result.new -= 1
                        result.known += 1
                    self.store.put_article(article, signatures.get(article.id))  # type: ignore[arg-type]
                self.store.record_input(raw_hash, item.source, produced)


def ingest(
    inputs: Sequence[str],
    options: IngestOptions | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Read ``inputs`` (paths, directories, globs, URLs, ``-``) into articles."""
    ingestor = Ingestor(options, store)
    try:
        return ingestor.run(inputs, progress)
    finally:
        ingestor.close()
