"""storycheck's command line: a thin layer over the stages (typer + rich).

Conventions: data goes to stdout (a rich table, or JSON with ``--json``); problems go to
stderr as one line each (``storycheck: SOURCE: reason``). Exit codes: 0 when something
usable was read, 1 with ``--strict`` when any input failed, 2 when nothing was read or
the command was used wrongly, 3 for an internal error (with ``--verbose`` for details).
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from storycheck import __version__
from storycheck.model import Article, InputProblem, to_jsonable

app = typer.Typer(
    name="storycheck",
    help="Cross-check news reports about the same events and write a cited story brief.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PROGRESS_MIN_INPUTS = 20


def _mount_models() -> None:
    from storycheck.models.cli import app as models_app

    app.add_typer(models_app, name="models", help="List, check and export the local models.")


_mount_models()


def _mount_web() -> None:
    from storycheck.web.cli import serve

    app.command("serve")(serve)


_mount_web()


@dataclass
class Output:
    """How to talk to the user: JSON or tables, quiet or verbose."""

    json: bool = False
    quiet: bool = False
    verbose: bool = False

    def __post_init__(self) -> None:
        self.out = Console(soft_wrap=False)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    def problem(self, problem: InputProblem) -> None:
        self.err.print(f"storycheck: {problem.source}: {problem.reason}", markup=False)

    def note(self, message: str) -> None:
        if not self.quiet and not self.json:
            self.err.print(message, markup=False)

    def emit_json(self, payload: Any) -> None:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


_state = Output()

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only results and errors.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Say more; show tracebacks.")]
DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Store file (default: $STORYCHECK_DB or .storycheck/storycheck.db).",
        dir_okay=False,
    ),
]


InputsArg = Annotated[
    list[str],
    typer.Argument(help="Files, directories, globs, http(s) URLs, RSS/Atom feeds, or - for stdin."),
]
AllowPrivateOpt = Annotated[
    bool,
    typer.Option("--allow-private", help="Allow fetching from private/loopback addresses."),
]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Exit 1 if any input fails.")]


def _output(json_: bool, quiet: bool, verbose: bool) -> Output:
    global _state
    _state = Output(
        json=json_ or _state.json, quiet=quiet or _state.quiet, verbose=verbose or _state.verbose
    )
    return _state


def _version(value: bool) -> None:
    if value:
        typer.echo(f"storycheck {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """storycheck: ingest reports, cross-check their claims, write a cited brief."""
    _output(json_, quiet, verbose)


def _open_store(db: Path | None) -> Any:
    from storycheck.store import Store, default_db_path
    from storycheck.store.sqlite import StoreError

    try:
        return Store(db or default_db_path())
    except StoreError as exc:
        _state.err.print(f"storycheck: {exc}", markup=False)
        raise typer.Exit(2) from None


def _article_row(article: Article) -> dict[str, Any]:
    from storycheck.report.jsonreport import article_summary

    return {
        **article_summary(article),
        "words": article.word_count,
        "sentences": len(article.sentences),
        "format": article.format.value,
        "duplicate_sources": list(article.duplicate_sources),
        "removed_lines": list(article.removed_lines),
    }


def _articles_table(articles: Sequence[Article], title: str) -> Table:
    table = Table(title=title, title_justify="left", expand=False, show_lines=False)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("outlet", max_width=22)
    table.add_column("title", max_width=48)
    table.add_column("date", no_wrap=True)
    table.add_column("words", justify="right")
    table.add_column("flags", max_width=24)
    for a in articles:
        outlets = a.display_outlet
        if len(a.outlets) > 1:
            outlets += f" (+{len(a.outlets) - 1})"
        table.add_row(
            a.id[:8],
            outlets,
            a.title or "—",
            a.published.date().isoformat() if a.published else "—",
            str(a.word_count),
            ", ".join(a.flags) or "",
        )
    return table


@app.command()
def ingest(
    inputs: InputsArg,
    db: DbOpt = None,
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Do not write to the store.")
    ] = False,
    no_title_line: Annotated[
        bool, typer.Option("--no-title-line", help="Never read a text file's first line as title.")
    ] = False,
    allow_private: AllowPrivateOpt = False,
    max_mb: Annotated[float, typer.Option("--max-mb", help="Size cap per input, in MB.")] = 10.0,
    timeout: Annotated[float, typer.Option("--timeout", help="Fetch timeout, seconds.")] = 15.0,
    strict: StrictOpt = False,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Read articles, clean them, drop near-duplicates, and store them."""
    from storycheck.ingest import IngestOptions

    out = _output(json_, quiet, verbose)
    options = IngestOptions(
        title_line=not no_title_line,
        allow_private=allow_private,
        max_bytes=int(max_mb * 1024 * 1024),
        timeout=timeout,
    )
    store = None if no_store else _open_store(db)
    try:
        result = _run_with_progress(inputs, options, store, out)
    finally:
        if store is not None:
            store.close()
    for problem in result.problems:
        out.problem(problem)
    if out.json:
        out.emit_json(
            {
                "articles": [_article_row(a) for a in result.articles],
                "problems": [to_jsonable(p) for p in result.problems],
                "inputs": result.inputs,
                "new": result.new,
                "known": result.known,
                "merged_duplicates": result.merged,
            }
        )
    elif result.articles:
        out.out.print(_articles_table(result.articles, f"{len(result.articles)} articles"))
    summary = (
        f"{len(result.articles)} articles from {result.inputs} inputs "
        f"({result.new} new, {result.known} already stored, "
        f"{result.merged} syndicated copies merged)"
    )
    if result.problems:
        summary += f"; {len(result.problems)} warning(s)"
    out.note(summary)
    if not result.articles:
        out.err.print("storycheck: no usable articles were read", markup=False)
        raise typer.Exit(2)
    if strict and result.problems:
        raise typer.Exit(1)


def _run_with_progress(inputs: list[str], options: Any, store: Any, out: Output) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from storycheck.ingest import Ingestor
    from storycheck.ingest.sources import expand_inputs

    ingestor = Ingestor(options, store)
    try:
        items, _ = expand_inputs(inputs)
        if out.quiet or out.json or len(items) <= PROGRESS_MIN_INPUTS:
            return ingestor.run(inputs)
        columns = (
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=out.err, transient=True) as progress:
            task = progress.add_task("ingesting", total=len(items))
            return ingestor.run(inputs, progress=lambda _item: progress.advance(task))
    finally:
        ingestor.close()


@app.command()
def analyze(
    inputs: InputsArg,
    json_file: Annotated[
        Path | None,
        typer.Option("--json-out", "--report", "-o", help="Write the report/1 JSON to this file."),
    ] = None,
    db: DbOpt = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not write to the store.")] = True,
    allow_private: AllowPrivateOpt = False,
    nli: Annotated[
        str | None, typer.Option("--nli", help="NLI model name (see `models list`).")
    ] = None,
    embedder: Annotated[
        str | None, typer.Option("--embedder", help="Embedding model name.")
    ] = None,
    strict: StrictOpt = False,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Cross-check the inputs: agreements, contradictions, single-source claims, scorecard."""
    from storycheck.ingest import IngestOptions
    from storycheck.models import ModelUnavailableError
    from storycheck.pipeline import AnalyzeOptions
    from storycheck.pipeline import analyze as run_analyze
    from storycheck.report import build_report

    out = _output(json_, quiet, verbose)
    options = AnalyzeOptions(
        ingest=IngestOptions(allow_private=allow_private), nli=nli, embedder=embedder
    )
    store = None if no_store else _open_store(db)
    try:
        with (
            out.err.status("cross-checking…", spinner="dots")
            if not (out.quiet or out.json)
            else _NullContext()
        ):
            analysis = run_analyze(inputs, options, store=store)
    except ModelUnavailableError as exc:
        out.err.print(f"storycheck: {exc}", markup=False)
        raise typer.Exit(2) from None
    finally:
        if store is not None:
            store.close()
    for problem in analysis.ingest.problems:
        out.problem(problem)
    for article in analysis.skipped:
        out.note(f"skipped {article.source}: language {article.language!r} is not supported yet")
    report = build_report(analysis.checks, models=analysis.models, extra_articles=analysis.skipped)
    if json_file is not None:
        json_file.parent.mkdir(parents=True, exist_ok=True)
        json_file.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        out.note(f"wrote {json_file}")
    if out.json:
        out.emit_json(report)
    elif analysis.checks:
        from storycheck.report.terminal import render_check

        for check in analysis.checks:
            render_check(check, out.out)
    if not analysis.ingest.articles:
        out.err.print("storycheck: no usable articles were read", markup=False)
        raise typer.Exit(2)
    if strict and analysis.ingest.problems:
        raise typer.Exit(1)


class _NullContext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


@app.command("ls")
def list_articles(
    db: DbOpt = None, json_: JsonOpt = False, quiet: QuietOpt = False, verbose: VerboseOpt = False
) -> None:
    """List the articles in the store."""
    out = _output(json_, quiet, verbose)
    with _open_store(db) as store:
        articles = store.articles()
    if out.json:
        out.emit_json([_article_row(a) for a in articles])
    elif articles:
        out.out.print(_articles_table(articles, f"{len(articles)} articles in the store"))
    else:
        out.note("the store is empty: run `storycheck ingest PATH...` first")


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix).")],
    db: DbOpt = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Show one article's clean text with numbered sentences."""
    out = _output(json_, quiet, verbose)
    with _open_store(db) as store:
        article = store.get_article(article_id)
    if article is None:
        out.err.print(f"storycheck: no article with id {article_id!r}", markup=False)
        raise typer.Exit(2)
    if out.json:
        payload = _article_row(article)
        payload["text"] = article.text
        payload["sentences"] = [
            {"index": s.index, "span": [s.start, s.end], "paragraph": s.paragraph, "text": s.text}
            for s in article.sentences
        ]
        out.emit_json(payload)
        return
    from rich.text import Text

    head = Text()
    head.append(article.title or "(untitled)", style="bold")
    meta = [
        ", ".join(article.outlets) or article.display_outlet,
        article.author or "",
        article.published.isoformat() if article.published else "",
        article.url or article.source,
    ]
    head.append("\n" + " · ".join(m for m in meta if m), style="dim")
    out.out.print(head)
    paragraph = -1
    for sentence in article.sentences:
        if sentence.paragraph != paragraph:
            out.out.print()
            paragraph = sentence.paragraph
        line = Text()
        line.append(f"[{sentence.index + 1:>3}] ", style="cyan")
        line.append(sentence.text)
        out.out.print(line)
    if article.removed_lines and out.verbose:
        out.out.print(
            Text("\nremoved page junk: " + " | ".join(article.removed_lines), style="dim")
        )


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: never shows a traceback for user errors."""
    try:
        app(args=list(argv) if argv is not None else None, standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("storycheck: interrupted\n")
        raise SystemExit(130) from None
    except Exception as exc:
        if _state.verbose:
            traceback.print_exc()
        sys.stderr.write(f"storycheck: internal error: {type(exc).__name__}: {exc}\n")
        raise SystemExit(3) from None


if __name__ == "__main__":
    main()
