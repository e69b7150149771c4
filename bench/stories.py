"""Story-grouping speed: articles/s at 1k, 10k and 100k synthetic articles (one JSON object).

Wall time depends on what else runs on the machine, so CPU time (this process) is
reported too, with the load average. The corpora come from :mod:`bench.storygen` (many
fictional stories, heavy-tailed sizes, a year of dates). Timed: features (fast embedder
+ terms) and clustering, separately and together; the growth exponent is the slope of
log(time) over log(n) between the smallest and the largest size. The topic level
(:mod:`storycheck.stories.topics`, stories grouped into subjects) is timed on its own.
B³-F1 against the generator's story labels is printed as a sanity check (not an accuracy claim: see
bench/grouping.py for real data).

    python -m bench.stories                 # 1k, 10k, 100k
    python -m bench.stories --sizes 1000 10000
    python -m bench.stories --fast          # 1k and 10k
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Sequence

from bench.grouping import bcubed
from bench.storygen import generate
from storycheck.models import get_fast_embedder
from storycheck.stories import StoryClusterer, featurize, group_topics


def run(n: int) -> dict[str, float | int]:
    corpus = generate(n, seed=11)
    articles = [a for a, _ in corpus]
    embedder = get_fast_embedder()
    embedder.encode(["warm up"], use_cache=False)
    start, cpu0 = time.perf_counter(), time.process_time()
    feats = featurize(articles, embedder)
    t_feat = time.perf_counter() - start
    start = time.perf_counter()
    clusterer = StoryClusterer()
    clusterer.add(feats)
    clusterer.finish(feats)  # with the refinement pass, as group_features
    stories = clusterer.stories()
    t_cluster = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    start = time.perf_counter()
    topics = group_topics(feats, stories)
    t_topics = time.perf_counter() - start
    owner = {aid: s.id for s in stories for aid in s.article_ids}
    pred = [owner[a.id] for a in articles]
    gold = [label for _, label in corpus]
    total = t_feat + t_cluster
    return {
        "articles": n,
        "gold_stories": len(set(gold)),
        "stories": len(stories),
        "features_s": round(t_feat, 2),
        "cluster_s": round(t_cluster, 2),
        "total_s": round(total, 2),
        "cpu_s": round(cpu, 2),
        "articles_per_s": round(n / total, 1),
        "articles_per_cpu_s": round(n / cpu, 1),
        "topics": len(topics),
        "topics_s": round(t_topics, 2),
        "synthetic_b3_f1": bcubed(pred, gold)["f1"],
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--fast", action="store_true", help="1k and 10k only (CI)")
    args = parser.parse_args(argv)
    sizes = [1000, 10000] if args.fast else args.sizes
    rows = [run(n) for n in sizes]
    result: dict[str, object] = {"runs": rows, "embedder": repr(get_fast_embedder())}
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        exponent = math.log(float(b["total_s"]) / float(a["total_s"])) / math.log(
            float(b["articles"]) / float(a["articles"])
        )
        result["growth_exponent"] = round(exponent, 3)
        cpu_exp = math.log(float(b["cpu_s"]) / float(a["cpu_s"])) / math.log(
            float(b["articles"]) / float(a["articles"])
        )
        result["growth_exponent_cpu"] = round(cpu_exp, 3)
        result["load_average"] = [round(x, 2) for x in os.getloadavg()]
        result["targets"] = {"100k_seconds": 300, "exponent": 1.2}
    if args.fast:
        result["fast"] = True
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    sys.exit(main())
