"""The brief on NeuS: ROUGE of the extractive writer against the editors' neutral summaries.

Run: ``python -m bench.brief [--fast] [--split test|val] [--limit N] [--words 80]``; prints
one JSON object (``{"skipped": ...}`` when ``../shared/data`` is absent).

Each NeuS story is three short articles (left / centre / right outlets) and one
editor-written neutral summary. storycheck runs its real pipeline on the three articles
(claims → cross-check → brief) and the summary it is scored with is the brief's title (the
headline the stories stage gives the story: the one nearest the centroid), its **What
happened** and its **Key facts**, cut at ``--words`` words (the references average
76 words). Baselines on the same stories: the first source, and the source nearest the
TF-IDF centroid (published numbers for the full test split: 40.89/16.49/27.27 and
43.52/18.67/29.30). Also reported: the share of brief sentences that the grounding checker
(:class:`storycheck.verify.grounding.Grounder`) finds supported by each source they cite,
how many stories have no line carried by two sources (their What happened comes from the
representative article alone), the share of lines resting on one source, and the support checker's
speed (sentence–source checks per second).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from bench.common import SHARED_DATA, machine
from storycheck.brief import BriefWriter
from storycheck.ingest.pipeline import build_article
from storycheck.model import Article, Document, SourceFormat, Story
from storycheck.models import get_embedder, get_fast_embedder, get_nli, get_parser
from storycheck.stories import featurize, story_title
from storycheck.verify import cross_check
from storycheck.verify.grounding import Grounder

NEUS = SHARED_DATA / "neus"
PUBLISHED = {
    "first_source": {"rouge1": 40.89, "rouge2": 16.49, "rougeL": 27.27},
    "tfidf_centroid_source": {"rouge1": 43.52, "rouge2": 18.67, "rougeL": 29.30},
}
_SOURCE = re.compile(r"TITLE=>\s*(?P<title>.*?)\s*ARTICLE=>\s*(?P<body>.*)", re.S)


def load(split: str) -> list[tuple[list[tuple[str, str]], str]]:
    sources = (NEUS / f"{split}.source").read_text(encoding="utf-8").splitlines()
    targets = (NEUS / f"{split}.target").read_text(encoding="utf-8").splitlines()
    stories = []
    for line, target in zip(sources, targets, strict=True):
        parts = []
        for chunk in line.split("[SEP]"):
            m = _SOURCE.search(chunk)
            if m and m.group("body").strip():
                parts.append((m.group("title").strip(), m.group("body").strip()))
        reference = _SOURCE.sub(lambda m: f"{m.group('title')} {m.group('body')}", target)
        stories.append((parts, reference.strip()))
    return stories


def articles_of(n: int, parts: Sequence[tuple[str, str]]) -> list[Article]:
    out = []
    for k, (title, body) in enumerate(parts):
        doc = Document(
            source=f"neus-{n}-{k}",
            format=SourceFormat.TEXT,
            text=body,
            title=title,
            outlet=f"source {k + 1}",
        )
        try:
            out.append(build_article(doc))
        except Exception:  # an empty article after cleaning: NeuS has a few
            continue
    return out


def cut(sentences: Sequence[str], words: int) -> str:
    out: list[str] = []
    for s in sentences:
        if sum(len(x.split()) for x in out) >= words:
            break
        out.append(s)
    text = " ".join(out)
    return " ".join(text.split()[:words])


def tfidf_centroid(texts: Sequence[str]) -> int:
    tokens = [re.findall(r"\w+", t.lower()) for t in texts]
    df = Counter(w for ts in tokens for w in set(ts))
    vocab = {w: i for i, w in enumerate(df)}
    mat = np.zeros((len(texts), len(vocab)))
    for r, ts in enumerate(tokens):
        for w, c in Counter(ts).items():
            mat[r, vocab[w]] = c * math.log((1 + len(texts)) / (1 + df[w]) + 1)
    mat /= np.linalg.norm(mat, axis=1, keepdims=True) + 1e-9
    return int(np.argmax(mat @ mat.mean(axis=0)))


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", choices=["test", "val"])
    ap.add_argument("--fast", action="store_true", help="40 spread-out stories (CI gate)")
    ap.add_argument("--limit", type=int, default=None, help="score the first N stories")
    ap.add_argument("--words", type=int, default=80)
    args = ap.parse_args(argv)
    if not (NEUS / f"{args.split}.source").exists():
        result: dict[str, Any] = {"benchmark": "brief", "skipped": f"{NEUS} is absent"}
        print(json.dumps(result))
        return result
    from rouge_score import rouge_scorer

    stories = load(args.split)
    chosen = list(range(len(stories)))
    if args.fast:
        chosen = chosen[:: max(1, len(chosen) // 40)][:40]
    elif args.limit:
        chosen = chosen[: args.limit]
    parser, embedder, nli = get_parser(), get_embedder(), get_nli()
    fast = get_fast_embedder()
    writer = BriefWriter(embedder=embedder, nli=nli)
    grounder = Grounder(nli)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    systems: dict[str, list[dict[str, float]]] = {"storycheck": [], "first": [], "centroid": []}
    empty = single = total_lines = 0
    lines = grounded = 0
    checks = 0
    t_support = 0.0
    t0 = time.perf_counter()
    for n in chosen:
        parts, reference = stories[n]
        articles = articles_of(n, parts)
        if not articles:
            continue
        title = story_title(featurize(articles, fast))  # as the stories stage names it
        story = Story(id=f"neus-{n}", title=title, article_ids=())
        check = cross_check(articles, story, parser=parser, embedder=embedder, nli=nli)
        t = time.perf_counter()
        brief = writer.write(check)
        t_support += time.perf_counter() - t
        main_lines = [*brief.sections["what_happened"], *brief.sections["key_facts"]]
        checks += sum(len(s.citations) for s in main_lines)
        if not any(s.sources >= 2 for s in main_lines):
            empty += 1
        single += sum(s.sources < 2 for s in main_lines)
        total_lines += len(main_lines)
        text_of = {a.id: a.text for a in articles}
        pairs = [(text_of[a], s.text) for s in main_lines for a in s.citations]
        if pairs:
            ok = grounder.supported(pairs)
            lines += len(pairs)
            grounded += int(ok.sum())
        summary = cut([brief.title, *(s.text for s in main_lines)], args.words)
        bodies = [f"{t} {b}" for t, b in parts]
        candidates = {
            "storycheck": summary,
            "first": " ".join(bodies[0].split()[: args.words]) if bodies else "",
            "centroid": " ".join(bodies[tfidf_centroid(bodies)].split()[: args.words])
            if bodies
            else "",
        }
        for name, text in candidates.items():
            score = scorer.score(reference, text)
            systems[name].append({k: v.fmeasure * 100 for k, v in score.items()})
    elapsed = time.perf_counter() - t0

    def mean(rows: list[dict[str, float]]) -> dict[str, float]:
        return {
            k: round(float(np.mean([r[k] for r in rows])), 2)
            for k in ("rouge1", "rouge2", "rougeL")
        }

    result = {
        "benchmark": "brief",
        "split": args.split,
        "stories": len(systems["storycheck"]),
        "words": args.words,
        "rouge": {name: mean(rows) for name, rows in systems.items() if rows},
        "published_full_test": PUBLISHED,
        "stories_without_corroborated_line": empty,
        "single_source_line_share": round(single / total_lines, 3) if total_lines else None,
        "cited_support_share": round(grounded / lines, 3) if lines else None,
        "cited_pairs": lines,
        "support_checks_per_s": round(checks / t_support, 1) if t_support else None,
        "stories_per_s": round(len(systems["storycheck"]) / elapsed, 3),
        "machine": machine(),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
