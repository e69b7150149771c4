"""Expanding command-line inputs: directories, globs, symlinks, unreadable folders (#17)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storycheck.ingest.sources import expand_inputs


def _tree(root: Path) -> None:
    (root / "a").mkdir()
    (root / "a" / "one.txt").write_text("Title\n\nBody one.", encoding="utf-8")
    (root / "b").mkdir()
    (root / "b" / "two.md").write_text("# Two\n\nBody two.", encoding="utf-8")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "three.txt").write_text("x", encoding="utf-8")


def test_directory_symlink_loops_end_and_files_are_read_once(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "a" / "loop").symlink_to(tmp_path)  # a -> root -> a -> ...
    (tmp_path / "b" / "alias.txt").symlink_to(tmp_path / "a" / "one.txt")
    items, problems = expand_inputs([str(tmp_path)])
    real = sorted(os.path.realpath(i.path) for i in items if i.path is not None)
    assert real == sorted(
        os.path.realpath(p) for p in (tmp_path / "a" / "one.txt", tmp_path / "b" / "two.md")
    )
    assert not problems
    glob_items, _ = expand_inputs([f"{tmp_path}/**/*.txt", str(tmp_path / "a" / "one.txt")])
    assert len({os.path.realpath(i.path) for i in glob_items if i.path}) == len(glob_items) == 1


def test_unreadable_subdirectory_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "four.txt").write_text("x", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:  # what chmod 000 does to a reader
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items, problems = expand_inputs([str(tmp_path)])
    assert len(items) == 2
    assert any("cannot read directory (permission denied)" in p.reason for p in problems)
    assert any("locked" in p.source for p in problems)


def test_stdin_stops_reading_at_the_size_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """#17: stdin was read whole before the cap (1 GB on stdin peaked at 1.17 GB RSS)."""
    import io
    import sys

    from storycheck.ingest.errors import InputError
    from storycheck.ingest.sources import read_stdin

    class Endless(io.RawIOBase):
        served = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            n = len(buffer)
            buffer[:n] = b"x" * n
            Endless.served += n
            return n

    fake = io.TextIOWrapper(io.BufferedReader(Endless()))
    monkeypatch.setattr(sys, "stdin", fake)
    with pytest.raises(InputError, match="too large"):
        read_stdin(3 * 2**20)
    assert Endless.served < 8 * 2**20  # stopped near the cap, not at the end of input
