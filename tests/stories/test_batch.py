"""Batch runs: the local process pool and Ray (local mode, 2 CPUs) give the same stories."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storycheck.cli import app
from storycheck.stories.batch import BatchOptions, run_batch

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "examples" / "corpus"


def _groups(out: Path) -> set[frozenset[str]]:
    data = json.loads((out / "stories.json").read_text(encoding="utf-8"))
    return {frozenset(s["sources"]) for s in data["stories"]}


def test_local_engine_groups_and_checks(tmp_path: Path) -> None:
    result = run_batch(
        [str(CORPUS / "misc"), str(CORPUS / "kessmouth-port-fire")],
        tmp_path,
        BatchOptions(engine="local", workers=2),
    )
    assert [len(s.article_ids) for s in result.stories] == [5, 1]
    assert len(result.reports) == 2
    listing = json.loads((tmp_path / "stories.json").read_text(encoding="utf-8"))
    in_topics = sorted(sid for t in listing["topics"] for sid in t["story_ids"])
    assert in_topics == sorted(s.id for s in result.stories)
    report = json.loads(result.reports[0].read_text(encoding="utf-8"))
    assert report["stories"][0]["id"] in {s.id for s in result.stories}
    assert "brief" in report["stories"][0]  # the brief is written in batch runs too
    assert all("text" not in a for a in report["articles"])  # the JSON stays lean
    _check_html_and_index(tmp_path, result.stories, result.reports)


class _Links(HTMLParser):
    """The links and table rows of the index page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.rows: list[list[str]] = []
        self._href: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
        elif tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self.links.append((self._href, data))
            self._href = None
        if self._cell is not None:
            self._cell.append(data)


def _check_html_and_index(out: Path, stories: list[Any], reports: list[Path]) -> None:
    """One self-contained HTML report per checked story, and an index linking each."""
    index = out / "index.html"
    assert index.is_file()
    page = index.read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(page)
    hrefs = {href for href, _ in parser.links}
    assert hrefs == {f"stories/{s.id}.html" for s in stories}
    for href, title in parser.links:
        target = out / href
        assert target.is_file(), href
        html = target.read_text(encoding="utf-8")
        assert html.startswith("<!doctype html>") and "<h1>" in html
        assert not re.search(r'src="https?://', html) and "<link" not in html  # self-contained
        sid = Path(href).stem
        report = json.loads((out / "stories" / f"{sid}.json").read_text(encoding="utf-8"))
        story = report["stories"][0]
        assert f'id="story-{story["id"]}"' in html
        row = next(r for r in parser.rows if r and r[0] == title)
        assert row[1] == str(len(story["article_ids"]))  # article count
        # disputes: the conflicts, not figures that only rose between reports
        disputes = [c for c in story["conflicts"] if c["status"] != "update"]
        assert row[3] == str(len(disputes))
        assert row[2]  # a date range or "undated"
    assert {p.with_suffix(".html") for p in reports} == {out / h for h in hrefs}


def test_ray_engine_matches_local(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        local = run_batch(
            [str(CORPUS)], tmp_path / "local", BatchOptions(check=False, workers=1, chunk_size=4)
        )
        distributed = run_batch(
            [str(CORPUS)],
            tmp_path / "ray",
            BatchOptions(engine="ray", check=False, chunk_size=4),
        )
        assert _groups(tmp_path / "ray") == _groups(tmp_path / "local")
        assert [s.id for s in distributed.stories] == [s.id for s in local.stories]
        assert len(distributed.stories) == 3
        # and one story's cross-check through Ray
        checked = run_batch(
            [str(CORPUS / "misc")], tmp_path / "ray-check", BatchOptions(engine="ray")
        )
        assert len(checked.reports) == 1
    finally:
        ray.shutdown()


def test_batch_cli(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["batch", str(CORPUS), "--out", str(tmp_path), "--no-check", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["stories"] == 3
    # without the cross-check the index still lists every story, unlinked
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr><td>") == 3 and "not checked" in index and "<a href" not in index
    bad = CliRunner().invoke(app, ["batch", str(CORPUS), "--out", str(tmp_path), "--engine", "x"])
    assert bad.exit_code == 2
