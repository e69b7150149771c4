"""Cross-check speed and growth on generated single-story corpora.

Run: ``python -m bench.verify [--sizes 30,50,100,200,400] [--fast]``; prints one JSON object.

A generator (below, seeded) writes N reports of ONE fictional event by N outlets: each
report words a random subset of ~30 facts in one of three phrasings, in its own order,
adds quotes, a few details only it carries, and — in about one report in eight — a
changed figure or date. That is the shape of a big breaking story: heavy overlap,
paraphrase, a few conflicts, many single-source details.

For each size the whole cross-check (parse → claims → embeddings → candidate pairs → NLI →
structured checks → verdicts → scores) runs with the default models, and the benchmark
reports wall time per stage, claims/s, NLI pairs (and pairs/s), and the fitted log–log
growth exponent of total time (wall, and CPU time of the process, which other jobs on the
machine do not inflate) against article count (1.0 = linear; n·log n over this
range fits ≈ 1.1). Target from the issue: a 30-article story in < 20 s on this machine.
Accuracy of the NLI + rules relation classifier on the labelled news NLI set is
``python -m bench.nli`` (reported beside this in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from bench.common import machine
from storycheck.ingest.pipeline import build_article
from storycheck.model import Article, ClaimStatus, Document, SourceFormat, Story
from storycheck.models import NLI, get_embedder, get_nli, get_parser
from storycheck.verify import cross_check

# (three wordings of one fact); {n} {m} {day} {person} {org} {place} slots
FACTS: tuple[tuple[str, str, str], ...] = (
    (
        "A landslide blocked the main road into {place} on {day}.",
        "The main road into {place} was blocked by a landslide on {day}.",
        "On {day}, a landslide cut off the main road leading into {place}.",
    ),
    (
        "About {n} residents were moved to emergency shelters.",
        "Some {n} residents had to move to emergency shelters.",
        "Emergency shelters took in about {n} residents.",
    ),
    (
        "Rescue teams worked for {m} hours to clear the debris.",
        "It took rescue teams {m} hours to clear the debris.",
        "Crews spent {m} hours clearing debris from the road.",
    ),
    (
        "Mayor {person} said the town would reopen the road within a week.",
        "The road should reopen within a week, Mayor {person} said.",
        "According to Mayor {person}, the road will reopen within a week.",
    ),
    (
        "The {org} said heavy rain had loosened the hillside.",
        "Heavy rain loosened the hillside, according to the {org}.",
        "The {org} blamed days of heavy rain for loosening the hillside.",
    ),
    (
        "Two people were treated in hospital for minor injuries.",
        "Hospital staff treated two people for minor injuries.",
        "Two people suffered minor injuries and were treated in hospital.",
    ),
    (
        "The regional government has promised emergency funding for {place}.",
        "Emergency funding for {place} was promised by the regional government.",
        "{place} will receive emergency funding, the regional government promised.",
    ),
    (
        "Schools in {place} stayed closed for the rest of the week.",
        "{place} schools remained shut for the rest of the week.",
        "Classes in {place} were cancelled for the rest of the week.",
    ),
    (
        "Engineers are inspecting the slope for further movement.",
        "The slope is being inspected by engineers for any further movement.",
        "Engineers began checking the hillside for signs of further movement.",
    ),
    (
        "The landslide damaged {k} houses at the edge of town.",
        "{k} houses on the edge of town were damaged by the landslide.",
        "At the edge of town, the landslide damaged {k} houses.",
    ),
    (
        "Power was cut to parts of {place} for several hours.",
        "Parts of {place} lost power for several hours.",
        "Several hours of power cuts hit parts of {place}.",
    ),
    (
        "The {org} warned drivers to avoid the valley road.",
        "Drivers were told by the {org} to stay away from the valley road.",
        "The {org} urged motorists to avoid the valley road.",
    ),
    (
        "Volunteers brought food and blankets to the shelters.",
        "Food and blankets were brought to the shelters by volunteers.",
        "At the shelters, volunteers handed out food and blankets.",
    ),
    (
        "Geologists had warned about the unstable hillside two years ago.",
        "Two years ago, geologists warned that the hillside was unstable.",
        "The hillside had been flagged as unstable by geologists two years earlier.",
    ),
    (
        "Police closed the bridge over the river as a precaution.",
        "As a precaution, police shut the bridge over the river.",
        "The river bridge was closed by police as a precaution.",
    ),
)
QUOTES = (
    "“We were lucky that nobody was killed,” Mayor {person} said.",
    "“The hillside is still moving and we will not take risks,” a spokesperson for the {org} said.",
    "“I heard a roar and then the road was gone,” said a resident who asked not to be named.",
)
OUTLET_WORDS = (
    "Valley Herald Courier Gazette Post Observer Ledger Chronicle Times Tribune Messenger "
    "Record Journal Star Press Dispatch Bulletin Sentinel Mercury Echo Standard Radio"
).split()


def generate(n: int, seed: int = 11) -> list[Article]:
    """``n`` reports of one event (see the module docstring)."""
    rng = random.Random(seed)
    slots = {
        "place": "Orrendale",
        "person": "Ilka Varden",
        "org": "Orrendale Civil Protection Agency",
        "day": "Tuesday",
        "n": "340",
        "m": "14",
        "k": "six",
    }
    published = datetime(2025, 3, 12, 9, tzinfo=UTC)
    out: list[Article] = []
    for i in range(n):
        local = dict(slots)
        if rng.random() < 0.125:  # a changed figure or day
            key = rng.choice(("n", "m", "day"))
            local[key] = {"n": "430", "m": "20", "day": "Wednesday"}[key]
        facts = rng.sample(FACTS, rng.randint(7, len(FACTS)))
        sentences = [rng.choice(f).format(**local) for f in facts]
        sentences += [q.format(**local) for q in rng.sample(QUOTES, rng.randint(0, 2))]
        sentences.append(
            f"Reporter {rng.choice(OUTLET_WORDS)} {i} counted {rng.randint(3, 90)} trucks "
            f"at the site on {rng.choice(('Monday', 'Thursday', 'Friday'))} morning."
        )
        rng.shuffle(sentences)
        paragraphs = [" ".join(sentences[k : k + 3]) for k in range(0, len(sentences), 3)]
        outlet = f"The {rng.choice(OUTLET_WORDS)} {rng.choice(OUTLET_WORDS)} {i}"
        doc = Document(
            source=f"generated/{seed}/{i}",
            format=SourceFormat.TEXT,
            text="\n\n".join(paragraphs),
            title=f"Landslide cuts off {local['place']} ({i})",
            outlet=outlet,
            published=published + timedelta(hours=i % 48),
        )
        out.append(build_article(doc))
    return out


class CountingNLI:
    """Delegates to an NLI model and counts the pairs it is asked about."""

    def __init__(self, inner: NLI) -> None:
        self.inner = inner
        self.pairs = 0
        self.seconds = 0.0

    def relations(self, pairs: Sequence[tuple[str, str]]) -> Any:
        t = time.perf_counter()
        out = self.inner.relations(pairs)
        self.seconds += time.perf_counter() - t
        self.pairs += len(pairs)
        return out

    def __repr__(self) -> str:
        return repr(self.inner)


def run(n: int, parser: Any, embedder: Any, nli: NLI) -> dict[str, Any]:
    articles = generate(n)
    counting = CountingNLI(nli)
    stages: dict[str, float] = {}
    last = [time.perf_counter(), "start"]

    def progress(message: str) -> None:
        now = time.perf_counter()
        stages[str(last[1])] = stages.get(str(last[1]), 0.0) + now - float(last[0])
        last[0], last[1] = now, message

    t0 = time.perf_counter()
    c0 = time.process_time()
    check = cross_check(
        articles,
        Story(id=f"bench-{n}", title="bench", article_ids=()),
        parser=parser,
        embedder=embedder,
        nli=counting,  # type: ignore[arg-type]
        progress=progress,
    )
    progress("end")
    total = time.perf_counter() - t0
    cpu = time.process_time() - c0
    stages.pop("start", None)
    checkable = [c for c in check.claims if c.status is not ClaimStatus.UNCHECKED]
    return {
        "articles": n,
        "seconds": round(total, 2),
        "cpu_seconds": round(cpu, 2),
        "claims": len(checkable),
        "claims_per_s": round(len(checkable) / total, 1),
        "nli_pairs": counting.pairs,
        "nli_pairs_per_article": round(counting.pairs / n, 1),
        "nli_pairs_per_s": round(counting.pairs / counting.seconds, 1)
        if counting.seconds
        else None,
        "stages_s": {k: round(v, 2) for k, v in stages.items()},
        "conflicts": len(check.findings),
        "corroborated_share": round(
            sum(c.status is ClaimStatus.CORROBORATED for c in checkable) / max(1, len(checkable)),
            3,
        ),
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="30,50,100,200,400")
    ap.add_argument("--fast", action="store_true", help="sizes 10,20,40 (CI gate)")
    args = ap.parse_args(argv)
    sizes = [10, 20, 40] if args.fast else [int(s) for s in args.sizes.split(",")]
    parser, embedder, nli = get_parser(), get_embedder(), get_nli()
    run(5, parser, embedder, nli)  # warm-up: model loading is not part of the timing
    runs = [run(n, parser, embedder, nli) for n in sizes]
    xs = np.log([r["articles"] for r in runs])
    ys = np.log([r["seconds"] for r in runs])
    exponent = float(np.polyfit(xs, ys, 1)[0]) if len(runs) >= 2 else None
    cpu_ys = np.log([max(r["cpu_seconds"], 1e-3) for r in runs])
    cpu_exponent = float(np.polyfit(xs, cpu_ys, 1)[0]) if len(runs) >= 2 else None
    thirty = next((r for r in runs if r["articles"] == 30), None)
    result = {
        "benchmark": "verify",
        "runs": runs,
        "growth_exponent": round(exponent, 3) if exponent is not None else None,
        # CPU time of this process (all its threads): robust to other load on the machine
        "growth_exponent_cpu": round(cpu_exponent, 3) if cpu_exponent is not None else None,
        "thirty_article_seconds": thirty["seconds"] if thirty else None,
        "target_thirty_article_seconds": 20,
        "models": {"parser": repr(parser), "embedder": repr(embedder), "nli": repr(nli)},
        "machine": machine(),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
