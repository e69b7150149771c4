"""The optional LLM writer: any OpenAI-compatible chat endpoint rewrites the verified claims.

The model sees only what the extractive writer verified (claims with their source
numbers). Its answer is split into sentences; each must cite sources (``[2][5]``) and is
checked against every source it cites with the same support checker as the extractive
brief. Unsupported citations are removed; a sentence left with fewer than the required
sources is dropped and counted in ``Brief.dropped``. The other sections (timeline, who
said what, disputed, unverified, sources) come from the extractive writer unchanged.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from storycheck.brief.writer import LENGTHS, BriefOptions, BriefWriter
from storycheck.ingest.segment import sentence_spans
from storycheck.model import Brief, BriefSentence, ClaimStatus, StoryCheck
from storycheck.models import NLI, Embedder
from storycheck.verify.support import SupportIndex

_CITATION = re.compile(r"\s*\[(\d{1,3})\]")

SYSTEM_PROMPT = (
    "You write short, neutral news briefs for fact-checkers. Use only the facts you are "
    "given; add no names, numbers, dates, quotes or causes that are not in them. Do not "
    "take sides and do not speculate. End every sentence with the numbers of the sources "
    "of the facts it uses, in square brackets, like [1][3]."
)


class LLMError(RuntimeError):
    """The endpoint could not be used; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class LLMOptions:
    """Where the OpenAI-compatible endpoint is and which model to ask.

    The API key comes from ``api_key``, else ``$STORYCHECK_LLM_KEY``, else
    ``$OPENAI_API_KEY`` (a local server usually needs none).
    """

    url: str
    model: str
    api_key: str | None = None
    timeout: float = 120.0
    temperature: float = 0.2

    def key(self) -> str | None:
        return (
            self.api_key or os.environ.get("STORYCHECK_LLM_KEY") or os.environ.get("OPENAI_API_KEY")
        )


def chat(options: LLMOptions, messages: Sequence[Mapping[str, str]]) -> str:
    """One chat completion; the text of the first choice."""
    url = options.url.rstrip("/")
    if not url.endswith("/chat/completions"):
        url += "/chat/completions"
    headers = {"Content-Type": "application/json"}
    if key := options.key():
        headers["Authorization"] = f"Bearer {key}"
    payload: dict[str, Any] = {
        "model": options.model,
        "messages": list(messages),
        "temperature": options.temperature,
    }
    try:
        response = httpx.post(url, json=payload, headers=headers, timeout=options.timeout)
    except httpx.HTTPError as exc:
        raise LLMError(f"{url}: {exc.__class__.__name__}: {exc}") from None
    if response.status_code != 200:
        raise LLMError(f"{url}: HTTP {response.status_code}: {response.text[:200]}")
    try:
        data = response.json()
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError(f"{url}: the answer is not an OpenAI-style chat completion") from None
    if not isinstance(content, str) or not content.strip():
        raise LLMError(f"{url}: the model returned no text")
    return content


def prompt(check: StoryCheck, brief: Brief, sentences: int) -> list[dict[str, str]]:
    """The messages: the story title and the verified facts, each with its source numbers."""
    lines: list[str] = []
    seen: set[str] = set()
    for name in ("what_happened", "key_facts", "timeline"):
        for s in brief.sections.get(name, ()):
            if s.text in seen or s.status == ClaimStatus.SINGLE_SOURCE.value:
                continue  # a repeat, or a line resting on one source: not a verified fact
            seen.add(s.text)
            cites = "".join(f"[{brief.number(a)}]" for a in s.citations)
            lines.append(f"- {s.text} {cites}")
    user = (
        f"Story: {check.story.title}\n\nVerified facts, each with its sources:\n"
        + "\n".join(lines)
        + f"\n\nWrite a neutral summary of what happened in at most {sentences} sentences. "
        "Cite sources after every sentence."
    )
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def parse_sentences(text: str, numbers: Mapping[int, str]) -> list[tuple[str, tuple[str, ...]]]:
    """Split the model's answer into (sentence without citations, cited article ids)."""
    flat = " ".join(line.strip(" -*\t") for line in text.splitlines() if line.strip())
    out: list[tuple[str, tuple[str, ...]]] = []
    for start, end in sentence_spans(flat):
        chunk = flat[start:end].strip()
        cited = tuple(
            dict.fromkeys(
                numbers[int(n)] for n in re.findall(r"\[(\d{1,3})\]", chunk) if int(n) in numbers
            )
        )
        clean = _CITATION.sub("", chunk).strip()
        clean = re.sub(r"\s+([.,;:!?])", r"\1", clean)
        if clean:
            out.append((clean, cited))
    return out


class LLMWriter:
    """Extractive brief first, then the LLM rewrites What happened from its verified facts."""

    def __init__(
        self,
        llm: LLMOptions,
        *,
        embedder: Embedder,
        nli: NLI,
        options: BriefOptions | None = None,
    ) -> None:
        self.llm = llm
        self.options = options or BriefOptions()
        self.base = BriefWriter(embedder=embedder, nli=nli, options=self.options)
        self.embedder = embedder
        self.nli = nli

    def write(self, check: StoryCheck, index: SupportIndex | None = None) -> Brief:
        index = index or self.base.index(check)
        base = self.base.write(check, index)
        n_what = LENGTHS[self.options.length][0]
        answer = chat(self.llm, prompt(check, base, n_what))
        numbers = {s.number: s.article_id for s in base.sources}
        candidates = parse_sentences(answer, numbers)
        checked = index.support_evidence([(text, cited) for text, cited in candidates])
        kept: list[BriefSentence] = []
        dropped = 0
        for (text, cited), (scores, passages) in zip(candidates, checked, strict=True):
            good = [
                (a, s, e)
                for a, s, e in zip(cited, scores, passages, strict=True)
                if s >= self.options.support
            ]
            if len(good) < self.options.min_sources:
                dropped += 1
                continue
            kept.append(
                BriefSentence(
                    text=text,
                    citations=tuple(a for a, _, _ in good),
                    support=tuple(s for _, s, _ in good),
                    evidence=tuple(e for _, _, e in good),
                    sources=len(good),
                    status=ClaimStatus.CORROBORATED.value,
                )
            )
        sections = dict(base.sections)
        if kept:
            sections["what_happened"] = tuple(kept)
        return dataclasses.replace(
            base,
            sections=sections,
            writer=f"llm:{self.llm.model}",
            dropped=base.dropped + dropped,
        )
