"""What every human-facing report shows, worked out once from a report/1 dict.

The HTML and Markdown renderers (and the batch index page) share these helpers so they
agree on how an article is named, which disputes and quotes go into the editor's
summary, how the single-source list is ranked, and how text is shortened (always at a
word boundary, with "…").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ELLIPSIS = "…"

#: how a brief line that is not corroborated is marked after its citations: it rests on
#: one source, it is the lead of last resort and sits behind a dispute, or it quotes words
#: no other outlet carries (see ``BriefWriter._fallback``)
LINE_MARKS = {
    "single_source": "one source",
    "mixed": "disputed: see below",
    "unverified_quote": "quote from one source",
}

#: quotation marks an article may use around words
QUOTE_MARKS = "\"“”„«»‘’'"


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut at a word boundary with "…".

    Whitespace is collapsed. A text that fits is returned whole; otherwise the last
    whole word that fits is kept (never half a word) and trailing punctuation that
    would dangle before the "…" is dropped.
    """
    clean = " ".join(str(text).split())
    if len(clean) <= limit:
        return clean
    room = max(1, limit - 1)
    head = clean[:room]
    if clean[room] != " " and " " in head:
        head = head[: head.rindex(" ")]
    elif clean[room] != " ":
        # one very long word: nothing sensible to keep but its start
        return head + ELLIPSIS
    return head.rstrip(" ,;:–—-(“\"'‘") + ELLIPSIS


def balance_quotes(text: str) -> str:
    """``text`` with its double quotation marks paired: a claim cut from a sentence can
    start inside a quote (``…he failed,” said X``) or end inside one (``in "24 hours.``);
    the missing mark is added at the start or the end, never doubled."""
    out = text
    opens, closes = out.count("“"), out.count("”")
    if closes > opens:
        out = "“" * (closes - opens) + out
    elif opens > closes:
        out += "”" * (opens - closes)
    if out.count('"') % 2:
        i = out.index('"')
        closing = (
            i > 0 and not out[i - 1].isspace() and (i + 1 == len(out) or not out[i + 1].isalnum())
        )
        out = f'"{out}' if closing else f'{out}"'
    return out


def quoted(text: str) -> str:
    """``text`` in typographic quotes unless it already carries its own quotation marks
    (then those are paired, see :func:`balance_quotes`): never doubled."""
    clean = text.strip()
    if any(ch in clean for ch in '“”"„«»') or clean.startswith(("‘", "'")):
        return balance_quotes(clean)
    return f"“{clean}”"


def short_quote(text: str, limit: int) -> str:
    """A quote (or a sentence carrying one) in at most about ``limit`` characters: cut at
    a word boundary, in quotation marks exactly once; a quotation mark the cut left open
    is closed after the "…"."""
    return quoted(shorten(text, limit))


def _stem(source: str) -> str:
    tail = str(source).rstrip("/").rsplit("/", 1)[-1]
    return tail.rsplit(".", 1)[0] if "." in tail else tail


def real_outlets(article: Mapping[str, Any]) -> list[str]:
    """The outlet names an article's metadata gives (not the file name stand-in)."""
    outlets = [str(o) for o in article.get("outlets") or [] if str(o).strip()]
    if outlets:
        return outlets
    outlet = str(article.get("outlet") or "").strip()
    if "outlets" in article or not outlet or outlet == _stem(str(article.get("source", ""))):
        return []
    return [outlet]


def _lede(text: str, words: int = 12) -> str:
    """An article's opening words (an untitled article's best name)."""
    parts = text.split()
    return " ".join(parts[:words]) + (ELLIPSIS if len(parts) > words else "")


def article_name(article: Mapping[str, Any], limit: int = 48) -> str:
    """How people know an article: its outlet(s), else its title, else its opening words.

    Never the internal id or a file-name hash unless nothing else is known.
    """
    outlets = real_outlets(article)
    if outlets:
        shown = ", ".join(outlets[:2]) + (f" +{len(outlets) - 2}" if len(outlets) > 2 else "")
        return shorten(shown, limit)
    title = str(article.get("title") or "").strip()
    if title:
        return shorten(title, limit)
    text = str(article.get("text") or "").strip()
    if text:
        return shorten(_lede(text), limit)
    return str(article.get("outlet") or _stem(str(article.get("source", ""))) or article["id"])


def source_labels(
    article_ids: Sequence[str], articles: Mapping[str, Mapping[str, Any]], limit: int = 48
) -> dict[str, str]:
    """A readable, unique name per article of a story (outlet, title or opening words).

    Two articles of one outlet are told apart by their titles; names that still clash
    get their source number.
    """
    names: dict[str, str] = {}
    for a in article_ids:
        names[a] = article_name(articles.get(a, {"id": a}), limit)
    seen: dict[str, list[str]] = {}
    for a, name in names.items():
        seen.setdefault(name, []).append(a)
    for name, ids in seen.items():
        if len(ids) < 2:
            continue
        for a in ids:
            art = articles.get(a, {})
            if real_outlets(art) and art.get("title"):
                names[a] = shorten(f"{name}: {art['title']}", limit)
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    for n, a in enumerate(article_ids, start=1):
        if counts[names[a]] > 1:
            names[a] = f"{names[a]} (#{n})"
    return names


def full_name(article: Mapping[str, Any]) -> str:
    """An article's name at full length: its outlets with its title, else its title,
    else its opening words."""
    outlets = ", ".join(real_outlets(article))
    title = " ".join(str(article.get("title") or "").split())
    if outlets:
        return f"{outlets}: “{title}”" if title else outlets
    if title:
        return title
    text = str(article.get("text") or "").strip()
    return _lede(text, 20) if text else article_name(article)


def article_record(article: Any) -> dict[str, Any]:
    """An :class:`~storycheck.model.Article` as the report/1 fields the names use."""
    from storycheck.report.jsonreport import article_summary

    return {**article_summary(article), "text": article.text}


def story_sources(
    story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The story's numbered sources: the brief's list, else one per article in order."""
    listed = (story.get("brief") or {}).get("sources")
    if listed:
        return list(listed)
    return [
        {
            "number": n,
            "article_id": a,
            "outlet": articles.get(a, {}).get("outlet", a),
            "title": articles.get(a, {}).get("title"),
            "published": articles.get(a, {}).get("published"),
            "location": articles.get(a, {}).get("url") or articles.get(a, {}).get("source"),
            "consistency": articles.get(a, {}).get("consistency"),
        }
        for n, a in enumerate(story.get("article_ids", []), start=1)
    ]


def source_articles(
    sources: Sequence[Mapping[str, Any]], articles: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Each source's article record (metadata, text), with the source list's outlet and
    title where it gives them."""
    out: dict[str, dict[str, Any]] = {}
    for s in sources:
        a = str(s["article_id"])
        row: dict[str, Any] = {"id": a, **articles.get(a, {})}
        for key in ("outlet", "title"):
            if s.get(key):
                row[key] = s[key]
        out[a] = row
    return out


def story_title(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> str:
    """The story's title in full: a title cut short ("…", taken from an untitled
    article's opening words) is completed with that article's whole first sentence."""
    title = " ".join(str(story.get("title") or "Untitled story").split())
    if not title.endswith(ELLIPSIS):
        return title
    stem = title[: -len(ELLIPSIS)].strip()
    for a in story.get("article_ids", []):
        text = " ".join(str(articles.get(a, {}).get("text") or "").split())
        if stem and text.startswith(stem):
            sentence = re.split(r"(?<=[.!?])\s+", text[: len(stem) + 400], maxsplit=1)[0]
            return sentence if len(sentence) > len(stem) else title
    return title


# --- models ------------------------------------------------------------------------

_REPR = re.compile(r"^\s*[A-Za-z_][\w.]*\((?P<args>.*)\)\s*$", re.S)
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")
MODEL_ROLES = {
    "parser": "Sentence parser",
    "embedder": "Sentence embeddings",
    "nli": "Entailment checker (NLI)",
}


def _pretty_model_id(model_id: str) -> str:
    ident = model_id.strip()
    if ident.startswith("spacy:"):
        name = ident.split(":", 1)[1]
        base, _, version = name.rpartition("-")
        if base and re.fullmatch(r"\d+(\.\d+)*", version):
            return f"spaCy {base} {version}"
        return f"spaCy {name}"
    kind = ""
    if re.match(r"^[a-z]+:", ident):
        kind, ident = ident.split(":", 1)
    name, *details = ident.split("/")
    details = [d for d in details if d]
    if kind:
        details.insert(0, kind)
    return f"{name} ({', '.join(details)})" if details else name


def model_name(value: object) -> str:
    """A model as people read it: ``SpacyParser('spacy:en_core_web_sm-3.8.0')`` →
    ``spaCy en_core_web_sm 3.8.0``; composite models list their members."""
    text = str(value).strip()
    match = _REPR.match(text)
    if match is None:
        return _pretty_model_id(text) if text else ""
    ids = [a or b for a, b in _QUOTED.findall(match.group("args"))]
    if not ids:
        return match.group("args").strip() or text
    return " + ".join(_pretty_model_id(i) for i in ids)


def model_lines(models: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(role, human model name) for the report's ``models`` map."""
    return [
        (MODEL_ROLES.get(str(k), str(k)), model_name(v))
        for k, v in models.items()
        if str(v).strip()
    ]


# --- the editor's summary ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Side:
    value: str
    article_ids: tuple[str, ...]
    evidence: tuple[str, ...]  # one per article id ("" when unknown)


@dataclass(frozen=True, slots=True)
class Dispute:
    title: str
    kind: str
    status: str  # contradiction, or update (the values rose between reports)
    sides: tuple[Side, ...]


def _brief_section(story: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    for section in (story.get("brief") or {}).get("sections", []):
        if section.get("name") == name:
            return list(section.get("sentences", []))
    return []


def disputes(story: Mapping[str, Any]) -> list[Dispute]:
    """Every conflict with every article on each side (report/1 ``conflicts``; the
    brief's Disputed lines when a report has no conflicts list)."""
    lines = _brief_section(story, "disputed")
    evidence: dict[tuple[str, str], dict[str, str]] = {}
    for s in lines:
        line_ids = [str(a) for a in s.get("article_ids", [])]
        line_ev = [str(e) for e in s.get("evidence", [])] + [""] * len(line_ids)
        key = (str(s.get("group", "")), str(s.get("text", "")))
        evidence[key] = dict(zip(line_ids, line_ev, strict=False))
    out: list[Dispute] = []
    for c in story.get("conflicts") or []:
        summary = str(c.get("summary", ""))
        sides: list[Side] = []
        for side in c.get("sides", []):
            ids = tuple(str(a) for a in side.get("article_ids", []))
            known = evidence.get((summary, str(side.get("value", ""))), {})
            sides.append(
                Side(str(side.get("value", "")), ids, tuple(known.get(a, "") for a in ids))
            )
        out.append(
            Dispute(
                title=str(c.get("subject") or summary),
                kind=str(c.get("kind", "")),
                status=str(c.get("status", "contradiction")),
                sides=tuple(sides),
            )
        )
    if out or not lines:
        return out
    groups: dict[str, list[Side]] = {}
    kinds: dict[str, str] = {}
    for s in lines:
        group = str(s.get("group", ""))
        ids = tuple(str(a) for a in s.get("article_ids", []))
        ev = tuple(str(e) for e in s.get("evidence", [])) + ("",) * len(ids)
        groups.setdefault(group, []).append(Side(str(s.get("text", "")), ids, ev[: len(ids)]))
        kinds.setdefault(group, str(s.get("status", "")))
    return [Dispute(g, kinds[g], "contradiction", tuple(sides)) for g, sides in groups.items()]


@dataclass(frozen=True, slots=True)
class Unverified:
    """A claim or quote only one outlet carries."""

    text: str
    speaker: str
    article_id: str
    status: str  # single_source or unverified_quote
    evidence: str
    rank: int  # higher first: quotes, then claims with names, numbers and dates


_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|"
    "friday|saturday|sunday|yesterday|today|tomorrow"
)
_NUMBER = re.compile(r"\d")
_DATEWORD = re.compile(rf"\b(?:{_MONTHS})\b", re.I)
_NUMBER_WORDS = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundreds?|"
    r"thousands?|millions?|billions?|percent|per cent)\b",
    re.I,
)


def specificity(text: str) -> int:
    """How checkable a sentence is: names, numbers and dates it carries."""
    score = 0
    if _NUMBER.search(text) or _NUMBER_WORDS.search(text):
        score += 2
    if _DATEWORD.search(text):
        score += 2
    words = text.split()
    names = {
        word.strip(QUOTE_MARKS + ",.;:!?()")
        for prev, word in zip([".", *words], words, strict=False)
        if word.lstrip(QUOTE_MARKS + "(")[:1].isupper() and not prev.endswith((".", "!", "?"))
    }
    score += min(3, len(names))
    return score


def _rank(text: str, status: str, kind: str) -> int:
    quote = status == "unverified_quote" or kind == "quote"
    return (20 if quote else 0) + specificity(text)


def unverified(story: Mapping[str, Any]) -> list[Unverified]:
    """The single-source claims and unverified quotes, ranked: quotes first, then the
    most specific claims (names, numbers, dates), then the rest in story order."""
    kinds = {str(c.get("id")): str(c.get("kind", "")) for c in story.get("claims", [])}
    items: list[Unverified] = []
    lines = _brief_section(story, "unverified")
    if lines or story.get("brief"):
        for s in lines:
            ids = [str(a) for a in s.get("article_ids", [])] or [""]
            status = str(s.get("status", "single_source"))
            kind = next((kinds[c] for c in s.get("claim_ids", []) if c in kinds), "")
            ev = [str(e) for e in s.get("evidence", [])]
            text = str(s.get("text", ""))
            items.append(
                Unverified(
                    text=text,
                    speaker=str(s.get("group") or ""),
                    article_id=ids[0],
                    status=status,
                    evidence=ev[0] if ev else text,
                    rank=_rank(text, status, kind),
                )
            )
    else:
        for c in story.get("claims", []):
            status = str(c.get("status", ""))
            if status not in ("single_source", "unverified_quote"):
                continue
            text = str(c.get("text", ""))
            items.append(
                Unverified(
                    text=text,
                    speaker=str(c.get("speaker") or ""),
                    article_id=str(c.get("article_id", "")),
                    status=status,
                    evidence=text,
                    rank=_rank(text, status, str(c.get("kind", ""))),
                )
            )
    order = sorted(range(len(items)), key=lambda n: (-items[n].rank, n))
    return [items[n] for n in order]


def unverified_quotes(story: Mapping[str, Any]) -> list[Unverified]:
    """Quotes only one outlet carries, one line per distinct quote."""
    seen: set[str] = set()
    out: list[Unverified] = []
    for item in unverified(story):
        key = " ".join(item.text.lower().split())
        if item.status == "unverified_quote" and key not in seen:
            seen.add(key)
            out.append(item)
    return out


@dataclass(frozen=True, slots=True)
class Score:
    article_id: str
    consistency: float
    card: Mapping[str, int]

    @property
    def contradicted_share(self) -> float:
        checkable = max(1, int(self.card.get("checkable", 0)))
        return (int(self.card.get("contradicted", 0)) + 0.5 * int(self.card.get("mixed", 0))) / (
            checkable
        )


def scores(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> list[Score]:
    """Each scored article of the story, least consistent first."""
    out = []
    for a in story.get("article_ids", []):
        art = articles.get(str(a), {})
        if art.get("consistency") is None:
            continue
        card = {str(k): int(v) for k, v in (art.get("scorecard") or {}).items()}
        out.append(Score(str(a), float(art["consistency"]), card))
    return sorted(out, key=lambda s: (s.consistency, s.article_id))


def least_consistent(
    story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]], n: int = 3
) -> list[Score]:
    """The ``n`` least consistent articles (none when the story has fewer than two)."""
    ranked = scores(story, articles)
    return ranked[:n] if len(ranked) > 1 else []


def score_colour(score: Score) -> str:
    """A scorecard bar's colour by what the article contradicts, not by a low score alone:
    red or orange only when something in it is contradicted; otherwise green when well
    corroborated (no fewer corroborated claims than single-source ones) and neutral grey
    when it is mostly single-source material."""
    share = score.contradicted_share
    if share >= 0.15:
        return "#c62828"
    if share > 0:
        return "#e65100"
    corroborated = int(score.card.get("corroborated", 0))
    well = corroborated and corroborated >= int(score.card.get("single_source", 0))
    return "#2e7d32" if well else "#8c959f"


def score_note(card: Mapping[str, int]) -> str:
    """``4 corroborated, 1 contradicted, 15 one source, 9 unverified quotes of 28``."""
    parts = [
        f"{card.get(k, 0)} {label}"
        for k, label in (
            ("corroborated", "corroborated"),
            ("contradicted", "contradicted"),
            ("mixed", "mixed"),
            ("single_source", "one source"),
            ("unverified_quotes", "unverified quotes"),
        )
        if card.get(k, 0) or k == "contradicted"
    ]
    return ", ".join(parts) + f" of {card.get('checkable', 0)} checkable claims"


#: What a citation in the brief means (the footer of every report says it).
CITATION_RULE = (
    "A citation is kept only when the entailment model finds the cited article supports "
    "the sentence on its best passage and that article names every name and figure in it; "
    "a line marked “one source” rests on its own article alone."
)
