"""Ingest throughput: articles/s and MB/s on generated text and HTML articles.

Run: ``python -m bench.ingest [--n 1000]``. Prints one JSON object. The corpus is
generated (a fixed seed, realistic news vocabulary, page chrome around the HTML), so the
numbers compare across machines and commits. One process, so "per core".
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import tempfile
import time
from pathlib import Path

from storycheck.ingest import ingest
from storycheck.store import Store

SUBJECTS = [
    "The council",
    "Fire crews",
    "Investigators",
    "The ministry",
    "Union leaders",
    "Residents",
    "The company",
    "Police",
    "Health officials",
    "The port authority",
]
VERBS = ["said", "confirmed", "warned", "announced", "denied", "reported", "estimated", "argued"]
OBJECTS = [
    "the closure would last {n} days",
    "{n} people had been evacuated",
    "the repairs would cost {n} million",
    "talks would resume on {day}",
    "the inquiry would report within {n} weeks",
    "{n} flights were cancelled",
    "the vote was postponed until {day}",
    "about {n} homes lost power",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
CHROME = (
    "<nav><a href='/'>Home</a> | <a href='/world'>World</a> | <a href='/biz'>Business</a> |"
    " <a href='/sport'>Sport</a></nav><div class='cookies'>We use cookies to improve your "
    "experience. <button>Accept</button></div>"
)
SIDEBAR = (
    "<aside><h3>Related stories</h3><ul><li><a href='/a'>Other story</a></li></ul>"
    "<p>Subscribe to our newsletter</p></aside><footer>Copyright 2025 Example Media."
    "</footer>"
)


def sentence(rng: random.Random) -> str:
    obj = rng.choice(OBJECTS).format(n=rng.randint(2, 900), day=rng.choice(DAYS))
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {obj}, according to Dr. Lee of the U.N."


def article(rng: random.Random, i: int) -> tuple[str, list[str]]:
    title = f"Story {i}: {rng.choice(SUBJECTS)} {rng.choice(VERBS)} changes"
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(8)]
    return title, paragraphs


def generate(directory: Path, n: int, seed: int = 7) -> tuple[int, int]:
    rng = random.Random(seed)
    text_bytes = html_bytes = 0
    for i in range(n):
        title, paragraphs = article(rng, i)
        if i % 2 == 0:
            body = f"{title}\nBy Staff | Outlet {i % 37}\n\n" + "\n\n".join(paragraphs)
            path = directory / "txt" / f"{i:05d}.txt"
        else:
            ps = "".join(f"<p>{p}</p>" for p in paragraphs)
            body = (
                f"<!doctype html><html><head><title>{title}</title><meta property='og:site_name'"
                f" content='Outlet {i % 37}'></head><body>{CHROME}<article><h1>{title}</h1>"
                f"{ps}<p>Share this article</p></article>{SIDEBAR}</body></html>"
            )
            path = directory / "html" / f"{i:05d}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = body.encode()
        path.write_bytes(data)
        if i % 2 == 0:
            text_bytes += len(data)
        else:
            html_bytes += len(data)
    return text_bytes, html_bytes


def timed(inputs: list[str], db: Path | None = None) -> tuple[float, int]:
    start = time.perf_counter()
    if db is None:
        result = ingest(inputs)
    else:
        with Store(db) as store:
            result = ingest(inputs, store=store)
    return time.perf_counter() - start, len(result.articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="articles to generate (half HTML)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        text_bytes, html_bytes = generate(root, args.n)
        timed([str(root / "txt" / "00000.txt"), str(root / "html" / "00001.html")])  # warm-up
        t_text, n_text = timed([str(root / "txt")])
        t_html, n_html = timed([str(root / "html")])
        t_store, n_store = timed([str(root)], root / "bench.db")
        t_rerun, _ = timed([str(root)], root / "bench.db")
    mb = 1024 * 1024
    print(
        json.dumps(
            {
                "bench": "ingest",
                "machine": f"{platform.machine()} {platform.python_version()}",
                "articles": args.n,
                "text": {
                    "articles": n_text,
                    "articles_per_s": round(n_text / t_text, 1),
                    "mb_per_s": round(text_bytes / mb / t_text, 2),
                },
                "html": {
                    "articles": n_html,
                    "articles_per_s": round(n_html / t_html, 1),
                    "mb_per_s": round(html_bytes / mb / t_html, 2),
                },
                "mixed_with_store": {
                    "articles": n_store,
                    "articles_per_s": round(n_store / t_store, 1),
                },
                "rerun_skip_per_s": round(n_store / t_rerun, 1),
                "targets": {"text_articles_per_s": 200, "html_articles_per_s": 50},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
