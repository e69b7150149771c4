"""`storycheck stories` and `storycheck analyze --story` end to end (real models)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "examples" / "corpus"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storycheck.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_stories_lists_and_updates_a_store(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    part = tmp_path / "part"
    shutil.copytree(CORPUS / "kessmouth-port-fire", part / "kessmouth")
    shutil.copytree(CORPUS / "misc", part / "misc")
    first = run("stories", str(part), "--db", db, "--json")
    assert first.returncode == 0, first.stderr
    before = json.loads(first.stdout)
    assert sorted(len(s["article_ids"]) for s in before) == [1, 5]
    second = run("stories", str(CORPUS), "--db", db, "--json")
    assert second.returncode == 0, second.stderr
    after = json.loads(second.stdout)
    assert len(after) == 3
    old = {s["id"]: set(s["article_ids"]) for s in before}
    for story in after:
        if story["id"] in old:
            assert old[story["id"]] <= set(story["article_ids"])
    listing = run("stories", "--db", db)
    assert listing.returncode == 0
    assert "3 stories" in listing.stdout
    for story in after:
        assert story["id"] in listing.stdout


def test_analyze_one_story_and_unknown_story(tmp_path: Path) -> None:
    listed = json.loads(run("stories", str(CORPUS), "--no-store", "--json").stdout)
    single = next(s for s in listed if len(s["article_ids"]) == 1)
    res = run("analyze", str(CORPUS), "--story", single["id"][:8], "--json")
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert [s["id"] for s in report["stories"]] == [single["id"]]
    bad = run("analyze", str(CORPUS), "--story", "s-nope", "--json")
    assert bad.returncode == 2
    assert bad.stderr.startswith("storycheck: story 's-nope' matches no story")
    assert "Traceback" not in bad.stderr


def test_stories_with_topics(tmp_path: Path) -> None:
    res = run("stories", str(CORPUS), "--db", str(tmp_path / "t.db"), "--topics", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    story_ids = sorted(s["id"] for s in out["stories"])
    assert sorted(sid for t in out["topics"] for sid in t["story_ids"]) == story_ids
    assert all(t["id"].startswith("t-") and t["title"] for t in out["topics"])
    table = run("stories", "--db", str(tmp_path / "t.db"), "--topics")
    assert table.returncode == 0, table.stderr
    assert table.stdout.count("topic t-") == len(out["topics"])
