"""The README's examples run as written.

Every ``storycheck …`` / ``.venv/bin/storycheck …`` command in README.md — lines of fenced
code blocks and inline code spans — must be listed in :data:`EXAMPLES`, which says how it is
run here; every listed command must still be in the README. Each is run through the CLI
(typer's ``CliRunner``, in this process, so the models load once) in a workspace made like
``make demo`` does: ``.storycheck/demo.db`` holds the ingested example corpus and is also
``$STORYCHECK_DB``. It must exit 0 and print something on stdout.

Placeholders get real values from the bundled ``examples/corpus``:

=============================  =========================================================
README                         value here
=============================  =========================================================
``PATH|URL|- ...``             ``examples/corpus``
``ID``                         the first article id in ``.storycheck/demo.db``
``PATH|URL ...``,              ``examples/corpus/kessmouth-port-fire`` (one story: the
``../path/to/your/articles``   heavy commands run on five articles, not thirteen)
``[-o report.html] …``         all three reports at once (``report.html/.md/.json``)
``DRAFT``, ``draft.txt``       ``draft.txt``: a copy of one article of that story
``--against PATH...``,         ``sources/``: the story's other articles
``sources/``
``INPUTS ... --out DIR``       the story's folder, ``--out batch-out``
``[--engine local|ray]``       ``local`` (with ``--workers 1``)
``[--db FILE]``                a new store file in the workspace
``serve [...]``                ``serve --help``: a server would block the test
=============================  =========================================================

A command named in prose without its arguments (``storycheck audit``) runs with ``--help``.
Commands that load the NLI model (analyze, audit, batch, models check) are marked ``slow``
and each runs once, however many README lines map to it. Besides, every option the CLI
reference shows for a command must be one of that command's options.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from storycheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CORPUS = ROOT / "examples" / "corpus"
STORY = CORPUS / "kessmouth-port-fire"
DRAFT = "estuary-press-warehouse-fire.txt"


@dataclass(frozen=True)
class Run:
    """How one README command runs here: argv (``{corpus}``, ``{story}`` and ``{id}`` are
    filled in), whether it is slow, and files it must write (relative to the workspace)."""

    argv: tuple[str, ...]
    slow: bool = False
    writes: tuple[str, ...] = ()


ANALYZE = Run(
    ("analyze", "{story}", "-o", "report.html", "-o", "report.md", "-o", "report.json"),
    slow=True,
    writes=("report.html", "report.md", "report.json"),
)
AUDIT = Run(("audit", "draft.txt", "--against", "sources/"), slow=True)
SERVE_HELP = Run(("serve", "--help"))

#: README command (whitespace collapsed, ``\|`` unescaped) → how it runs here.
EXAMPLES: dict[str, Run] = {
    "storycheck ingest PATH|URL|- ...": Run(("ingest", "{corpus}", "--db", "ingested.db")),
    "storycheck ls": Run(("ls",)),
    "storycheck show ID": Run(("show", "{id}")),
    ".venv/bin/storycheck ls --db .storycheck/demo.db": Run(("ls", "--db", ".storycheck/demo.db")),
    ".venv/bin/storycheck show ID --db .storycheck/demo.db": Run(
        ("show", "{id}", "--db", ".storycheck/demo.db")
    ),
    "storycheck analyze PATH|URL ... [-o report.html] [-o report.md] [-o report.json]": ANALYZE,
    ".venv/bin/storycheck analyze ../path/to/your/articles": ANALYZE,
    "storycheck audit DRAFT --against PATH...": AUDIT,
    "storycheck audit draft.txt --against sources/": AUDIT,
    "storycheck audit": Run(("audit", "--help")),
    "storycheck stories": Run(("stories",)),
    "storycheck stories [PATH ...] [--db FILE]": Run(("stories", "{corpus}", "--db", "stories.db")),
    "storycheck batch INPUTS ... --out DIR [--engine local|ray]": Run(
        ("batch", "{story}", "--out", "batch-out", "--engine", "local", "--workers", "1"),
        slow=True,
        writes=("batch-out/stories.json",),
    ),
    "storycheck models list": Run(("models", "list")),
    "storycheck models check": Run(("models", "check"), slow=True),
    "storycheck serve": SERVE_HELP,
    "storycheck serve [--host H] [--port P] [--token T]": SERVE_HELP,
}

_COMMAND = re.compile(r"(?:\.venv/bin/)?storycheck\s+[a-z]")
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
_SPAN = re.compile(r"`([^`]+)`")


def _normal(code: str) -> str:
    return " ".join(code.replace("\\|", "|").split())


def readme_commands(text: str) -> list[str]:
    """The storycheck commands of a README: code block lines (``$`` prompts and trailing
    ``# comments`` dropped) and inline code spans (which may wrap a line)."""
    found: list[str] = []
    for block in _FENCE.findall(text):
        for line in block.splitlines():
            line = re.split(r"\s#\s", line)[0].strip().removeprefix("$ ")
            if _COMMAND.match(line):
                found.append(_normal(line))
    for span in _SPAN.findall(_FENCE.sub("", text)):
        code = _normal(span)
        if _COMMAND.match(code):
            found.append(code)
    return list(dict.fromkeys(found))


def test_readme_commands_are_found() -> None:
    text = (
        "Try `storycheck ls --db\nx.db` or `storycheck.report/1`, `storycheck: SOURCE: reason`.\n"
        "| `storycheck ingest PATH\\|URL` | reads |\n"
        "```sh\n$ storycheck show ID   # one article\nmake demo\n```\n"
    )
    assert readme_commands(text) == [
        "storycheck show ID",
        "storycheck ls --db x.db",
        "storycheck ingest PATH|URL",
    ]


def test_every_readme_command_is_mapped() -> None:
    """A new README command needs a row in EXAMPLES; a row whose command left the README
    goes too."""
    found = readme_commands(README.read_text(encoding="utf-8"))
    assert sorted(set(found) - set(EXAMPLES)) == [], "README commands without a test"
    assert sorted(set(EXAMPLES) - set(found)) == [], "EXAMPLES rows not in the README"


# --- running them -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder like the one ``make demo`` leaves: the corpus ingested into
    ``.storycheck/demo.db``; plus a draft and its sources for the audit examples."""
    root = tmp_path_factory.mktemp("readme")
    with contextlib.chdir(root):
        result = CliRunner().invoke(app, ["ingest", str(CORPUS), "--db", ".storycheck/demo.db"])
    assert result.exit_code == 0, result.output
    sources = root / "sources"
    sources.mkdir()
    for path in STORY.iterdir():
        shutil.copy(path, root / "draft.txt" if path.name == DRAFT else sources / path.name)
    return root


@pytest.fixture(scope="module")
def run_example(workspace: Path) -> Iterator[Callable[[Run], Result]]:
    """Runs a :class:`Run` in the workspace (once per argv) and returns its result."""
    done: dict[tuple[str, ...], Result] = {}
    runner = CliRunner()
    env = {"STORYCHECK_DB": ".storycheck/demo.db"}

    def first_id() -> str:
        with contextlib.chdir(workspace):
            listed = runner.invoke(app, ["ls", "--json"], env=env)
        assert listed.exit_code == 0, listed.output
        return str(json.loads(listed.stdout)[0]["id"])

    def run(example: Run) -> Result:
        if example.argv not in done:
            values = {"corpus": str(CORPUS), "story": str(STORY), "id": ""}
            if "{id}" in example.argv:
                values["id"] = first_id()
            argv = [arg.format(**values) for arg in example.argv]
            with contextlib.chdir(workspace):
                done[example.argv] = runner.invoke(app, argv, env=env)
        return done[example.argv]

    yield run


def _params() -> list[object]:
    out: list[object] = []
    for command, example in EXAMPLES.items():
        marks = [pytest.mark.slow] if example.slow else []
        out.append(pytest.param(command, example, marks=marks, id=command))
    return out


@pytest.mark.parametrize(("command", "example"), _params())
def test_readme_example_runs(
    command: str, example: Run, run_example: Callable[[Run], Result], workspace: Path
) -> None:
    result = run_example(example)
    assert result.exit_code == 0, (
        f"`{command}` → storycheck {' '.join(example.argv)} exited {result.exit_code}:\n"
        f"{result.output}\n{result.exception!r}"
    )
    assert result.stdout.strip(), f"`{command}` printed nothing on stdout"
    for name in example.writes:
        path = workspace / name
        assert path.is_file() and path.stat().st_size > 0, f"`{command}` did not write {name}"
    if "report.json" in example.writes:
        report = json.loads((workspace / "report.json").read_text(encoding="utf-8"))
        assert report["schema"] == "storycheck.report/1"


# --- the options the CLI reference shows ------------------------------------------------


# typer ships its own click: commands are duck-typed here (``commands``, ``params``)
def _cli() -> Any:
    return typer.main.get_command(app)


def _command_at(words: list[str]) -> Any:
    """The (sub)command named by the leading words, e.g. ``["models", "check"]``."""
    command = _cli()
    taken = 0
    for word in words:
        sub = getattr(command, "commands", {}).get(word)
        if sub is None:
            break
        command, taken = sub, taken + 1
    return command if taken else None


def _options(command: Any) -> set[str]:
    params = [*_cli().params, *command.params]
    return {o for p in params for o in (*p.opts, *p.secondary_opts)} | {"--help"}


_OPTION = re.compile(r"-{1,2}[a-z][a-z0-9-]*")


def _shown_options(markdown: str) -> set[str]:
    """Options in a piece of README: words of its inline code that look like options."""
    return {
        word.strip("[]")
        for span in _SPAN.findall(markdown)
        for word in span.split()
        if _OPTION.fullmatch(word.strip("[]"))
    }


def reference_rows(text: str) -> list[tuple[list[Any], set[str]]]:
    """Per row of the CLI reference table (and the ``ingest`` options paragraph): the
    commands it documents and the options it shows."""
    rows: list[tuple[list[Any], set[str]]] = []
    for line in text.splitlines():
        if not line.startswith("| `storycheck "):
            continue
        first_cell = re.split(r"(?<!\\)\|", line)[1]
        commands = []
        for span in _SPAN.findall(first_cell):
            words = _normal(span).split()
            command = _command_at(words[1:] if words[0] == "storycheck" else words)
            if command is not None:
                commands.append(command)
        rows.append((commands, _shown_options(line)))
    paragraph = re.search(r"^`ingest` options:.*?(?:\n\n|\Z)", text, re.DOTALL | re.MULTILINE)
    assert paragraph is not None, "the README's `ingest` options paragraph is gone"
    ingest = _command_at(["ingest"])
    assert ingest is not None
    rows.append(([ingest], _shown_options(paragraph.group())))
    return rows


def test_cli_reference_options_exist() -> None:
    rows = reference_rows(README.read_text(encoding="utf-8"))
    assert len(rows) >= 9
    for commands, shown in rows:
        assert commands, f"a CLI reference row names no command: {shown}"
        known = set().union(*(_options(c) for c in commands))
        missing = sorted(shown - known)
        assert not missing, f"{[c.name for c in commands]} has no {missing}"


def test_reference_check_catches_a_renamed_option() -> None:
    text = (
        "| `storycheck ls` | list |\n| `storycheck show ID` | one, `--no-such-flag` |\n\n"
        "`ingest` options: `--db FILE`, `--max-mb N`.\n"
    )
    rows = reference_rows(text)
    show = rows[1]
    assert [c.name for c in show[0]] == ["show"]
    assert "--no-such-flag" in show[1] - _options(show[0][0])
    assert rows[2][1] == {"--db", "--max-mb"}
