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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from storycheck import __version__
from storycheck.model import Article, InputProblem, to_jsonable
from storycheck.words import plural

if TYPE_CHECKING:
    from storycheck.report.files import Format

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

    def warn_progress(self, message: str) -> None:
        """A pipeline progress callback: warnings always reach stderr, the rest with -v."""
        if message.startswith("warning:"):
            self.err.print(f"storycheck: {message}", markup=False)
        elif self.verbose:
            self.err.print(message, markup=False)


def _check_formats(out: Output, paths: Sequence[Path] | None) -> None:
    """Refuse (exit 2) an output file whose suffix names no report format."""
    from storycheck.report.files import format_of

    for path in paths or []:
        try:
            format_of(path)
        except ValueError as exc:
            _usage(out, f"{path}: {exc}")


def _write_outputs(
    out: Output, paths: Sequence[Path] | None, render: Callable[[Format], str], open_: bool
) -> None:
    """Write each output file in the format its suffix names; ``--open`` shows HTML/Markdown."""
    from storycheck.report.files import format_of, write_text

    for path in paths or []:
        fmt = format_of(path)
        written = write_text(path, render(fmt))
        out.note(f"wrote {written}")
        if open_ and fmt != "json":
            import webbrowser

            webbrowser.open(written.resolve().as_uri())


def _usage(out: Output, message: str) -> None:
    out.err.print(f"storycheck: {message}", markup=False)
    raise typer.Exit(2)


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
NliOpt = Annotated[str | None, typer.Option("--nli", help="NLI model name (see `models list`).")]
EmbedderOpt = Annotated[str | None, typer.Option("--embedder", help="Embedding model name.")]
OpenOpt = Annotated[bool, typer.Option("--open", help="Open the written HTML/Markdown report.")]


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


def _open_store(db: Path | None, *, read_only: bool = False) -> Any:
    """The store at ``db`` (default path if None). A command that only reads it refuses a
    ``--db`` file that does not exist instead of creating an empty store there (a typo
    would otherwise list nothing and leave a stray file)."""
    from storycheck.store import Store, default_db_path
    from storycheck.store.sqlite import StoreError

    if read_only and db is not None and not db.exists():
        _state.err.print(
            f"storycheck: {db}: no such store (run `storycheck ingest PATH... --db {db}` first)",
            markup=False,
        )
        raise typer.Exit(2)
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
        out.out.print(_articles_table(result.articles, plural(len(result.articles), "article")))
    summary = (
        f"{plural(len(result.articles), 'article')} from {plural(result.inputs, 'input')} "
        f"({result.new} new, {result.known} already stored, "
        f"{result.merged} syndicated copies merged)"
    )
    if result.problems:
        summary += f"; {plural(len(result.problems), 'warning')}"
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
    report_files: Annotated[
        list[Path] | None,
        typer.Option(
            "--output",
            "-o",
            "--report",
            "--json-out",
            help="Write the report to this file: .json (report/1), .md or .html, by its "
            "suffix. Repeat for several.",
        ),
    ] = None,
    open_: OpenOpt = False,
    length: Annotated[
        str, typer.Option("--length", help="Brief length: short, standard or long.")
    ] = "standard",
    max_words: Annotated[
        int | None,
        typer.Option("--max-words", min=20, help="Cap What happened + Key facts at N words."),
    ] = None,
    writer: Annotated[
        str, typer.Option("--writer", help="Brief writer: extractive (local) or llm.")
    ] = "extractive",
    llm_url: Annotated[
        str | None,
        typer.Option(
            "--llm-url",
            envvar="STORYCHECK_LLM_URL",
            help="OpenAI-compatible endpoint for --writer llm (e.g. http://127.0.0.1:8080/v1); "
            "key from $STORYCHECK_LLM_KEY or $OPENAI_API_KEY.",
        ),
    ] = None,
    llm_model: Annotated[
        str | None,
        typer.Option("--llm-model", envvar="STORYCHECK_LLM_MODEL", help="Model for --writer llm."),
    ] = None,
    db: DbOpt = None,
    story: Annotated[
        str | None,
        typer.Option("--story", help="Cross-check only this story (id or unique id prefix)."),
    ] = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not write to the store.")] = True,
    allow_private: AllowPrivateOpt = False,
    nli: NliOpt = None,
    embedder: EmbedderOpt = None,
    strict: StrictOpt = False,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Cross-check the inputs: agreements, contradictions, single-source claims, scorecard."""
    from storycheck.brief import BriefOptions
    from storycheck.brief.llm import LLMOptions
    from storycheck.ingest import IngestOptions
    from storycheck.models import ModelUnavailableError
    from storycheck.pipeline import AnalyzeOptions, StoryNotFoundError
    from storycheck.pipeline import analyze as run_analyze
    from storycheck.report import build_report, render

    out = _output(json_, quiet, verbose)
    if length not in ("short", "standard", "long"):
        _usage(out, f"--length must be short, standard or long, not {length!r}")
    if writer not in ("extractive", "llm"):
        _usage(out, f"--writer must be extractive or llm, not {writer!r}")
    llm = None
    if writer == "llm":
        if not (llm_url and llm_model):
            _usage(out, "--writer llm needs --llm-url and --llm-model")
        assert llm_url is not None and llm_model is not None
        llm = LLMOptions(url=llm_url, model=llm_model)
    _check_formats(out, report_files)
    options = AnalyzeOptions(
        ingest=IngestOptions(allow_private=allow_private),
        nli=nli,
        embedder=embedder,
        brief=BriefOptions(length=length, max_words=max_words),  # type: ignore[arg-type]
        llm=llm,
    )
    if story is not None:
        from dataclasses import replace

        options = replace(options, story=story)
    store = None if no_store else _open_store(db)
    try:
        with _Stages(out) as live:
            analysis = run_analyze(inputs, options, store=store, progress=live)
    except (ModelUnavailableError, StoryNotFoundError) as exc:
        out.err.print(f"storycheck: {exc}", markup=False)
        raise typer.Exit(2) from None
    finally:
        if store is not None:
            store.close()
    for problem in analysis.ingest.problems:
        out.problem(problem)
    for article in analysis.skipped:
        out.note(f"skipped {article.source}: language {article.language!r} is not supported yet")
    report = build_report(
        analysis.checks,
        models=analysis.models,
        extra_articles=analysis.skipped,
        briefs=analysis.briefs,
        texts=bool(report_files),
    )
    _write_outputs(out, report_files, lambda fmt: render(report, fmt), open_)
    if out.json:
        out.emit_json(report)
    elif analysis.checks:
        from storycheck.report.terminal import render_check

        for check in analysis.checks:
            render_check(check, out.out, analysis.briefs.get(check.story.id))
    if out.verbose and analysis.timings:
        t = analysis.timings
        stages = ", ".join(
            f"{k} {t[k]:.1f}s" for k in ("ingest", "stories", "check", "brief") if k in t
        )
        out.err.print(
            f"time: {stages}; total {t['total']:.1f}s, of which NLI {t['nli']:.1f}s "
            f"({t['nli_pairs']:.0f} pairs, {t['nli_windows']:.0f} windows), "
            f"fact table {t.get('facts', 0.0):.1f}s; "
            f"{plural(t['articles'], 'article')}, peak memory {t['peak_rss_mb']:.0f} MB",
            markup=False,
        )
    if not analysis.ingest.articles:
        out.err.print("storycheck: no usable articles were read", markup=False)
        raise typer.Exit(2)
    if strict and analysis.ingest.problems:
        raise typer.Exit(1)


@app.command()
def audit(
    draft: Annotated[str, typer.Argument(help="The draft to check: a file, URL or - (stdin).")],
    more: Annotated[
        list[str] | None,
        typer.Argument(
            help="More sources: `--against A B C` reads all three (as does `-a A -a B -a C`).",
            show_default=False,
        ),
    ] = None,
    against: Annotated[
        list[str] | None,
        typer.Option("--against", "-a", help="Source articles (files, dirs, globs, URLs)."),
    ] = None,
    report_files: Annotated[
        list[Path] | None,
        typer.Option("--output", "-o", help="Write the audit to .json, .md or .html."),
    ] = None,
    open_: OpenOpt = False,
    allow_private: AllowPrivateOpt = False,
    nli: NliOpt = None,
    embedder: EmbedderOpt = None,
    strict: StrictOpt = False,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Check a draft sentence by sentence against sources: supported, contradicted, not found."""
    from storycheck.ingest import IngestOptions, Ingestor
    from storycheck.models import ModelUnavailableError, get_embedder, get_nli, get_parser
    from storycheck.report.audit import audit_html, audit_json, audit_markdown
    from storycheck.verify.audit import audit_draft

    out = _output(json_, quiet, verbose)
    _check_formats(out, report_files)
    against = [*(against or []), *(more or [])]
    if not against:
        out.err.print("storycheck: audit needs sources: --against PATH...", markup=False)
        raise typer.Exit(2)
    options = IngestOptions(allow_private=allow_private)
    with _status(out, "reading…"):
        ingestor = Ingestor(options, None)
        try:
            drafted = ingestor.run([draft])
        finally:
            ingestor.close()
        ingestor = Ingestor(options, None)
        try:
            sources = ingestor.run(list(against))
        finally:
            ingestor.close()
    for problem in [*drafted.problems, *sources.problems]:
        out.problem(problem)
    if not drafted.articles:
        out.err.print(f"storycheck: {draft}: no usable draft was read", markup=False)
        raise typer.Exit(2)
    if not sources.articles:
        out.err.print("storycheck: no usable source articles were read", markup=False)
        raise typer.Exit(2)
    try:
        with _status(out, "auditing…"):
            emb, model, parser = get_embedder(embedder), get_nli(nli), get_parser()
            result = audit_draft(
                drafted.articles[0],
                sources.articles,
                embedder=emb,
                nli=model,
                parser=parser,
                progress=out.warn_progress,
            )
    except ModelUnavailableError as exc:
        out.err.print(f"storycheck: {exc}", markup=False)
        raise typer.Exit(2) from None
    doc = audit_json(result, {"embedder": repr(emb), "nli": repr(model)})
    renderers = {
        "json": lambda d: json.dumps(d, ensure_ascii=False, indent=2) + "\n",
        "md": audit_markdown,
        "html": audit_html,
    }
    _write_outputs(out, report_files, lambda fmt: renderers[fmt](doc), open_)
    if out.json:
        out.emit_json(doc)
    else:
        _print_audit(doc, out)
    if strict and (drafted.problems or sources.problems):
        raise typer.Exit(1)


def _print_audit(doc: dict[str, Any], out: Output) -> None:
    from rich.text import Text

    style = {"supported": "green", "contradicted": "red", "not_found": "yellow"}
    for row in doc["sentences"]:
        line = Text(
            f"{row['verdict'].replace('_', ' '):>12}  ", style=f"bold {style[row['verdict']]}"
        )
        line.append(row["text"])
        cites = "".join(f"[{e['source']}]" for e in row["evidence"])
        if cites:
            line.append(f" {cites}", style="dim")
        out.out.print(line)
        if row["verdict"] == "contradicted":
            for e in row["evidence"][:2]:
                out.out.print(f"{'':14}↳ {e['outlet']}: “{e['text'][:160]}”", markup=False)
            if row["reason"]:
                out.out.print(f"{'':14}  ({row['reason']})", markup=False)
    s = doc["summary"]
    out.out.print(
        Text(
            f"\n{plural(s['sentences'], 'sentence')}: {s['supported']} supported, "
            f"{s['contradicted']} contradicted, {s['not_found']} not found "
            f"in {plural(len(doc['sources']), 'source')}",
            style="bold",
        )
    )


class _Stages:
    """The live progress of a long run on a terminal: a spinner, the elapsed time, the
    stage and which story of how many ("story 2/3 · checking entailment"). Warnings always
    reach stderr; with -v every stage is also printed as a line; nothing is drawn when
    stderr is not a terminal, with --quiet or with --json."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self.progress: Any = None
        self.task: Any = None
        self.story = ""

    def __enter__(self) -> _Stages:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        out = self.out
        if not (out.quiet or out.json) and out.err.is_terminal:
            self.progress = Progress(
                SpinnerColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=out.err,
                transient=True,
            )
            self.progress.__enter__()
            self.task = self.progress.add_task("starting")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)

    def __call__(self, message: str) -> None:
        self.out.warn_progress(message)
        if message.startswith("story "):
            self.story = message.split(":", 1)[0]
            stage = message.split(":", 1)[1].strip()
        else:
            stage = message
        if self.progress is not None and not message.startswith("warning:"):
            prefix = f"{self.story} · " if self.story else ""
            self.progress.update(self.task, description=f"{prefix}{stage}"[:110])


def _status(out: Output, message: str) -> Any:
    if out.quiet or out.json:
        return _NullContext()
    return out.err.status(message, spinner="dots")


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
    with _open_store(db, read_only=True) as store:
        articles = store.articles()
    if out.json:
        out.emit_json([_article_row(a) for a in articles])
    elif articles:
        out.out.print(_articles_table(articles, f"{plural(len(articles), 'article')} in the store"))
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
    with _open_store(db, read_only=True) as store:
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


def _bad_usage(out: Output, message: str) -> NoReturn:
    out.err.print(f"storycheck: {message}", markup=False)
    raise typer.Exit(2)


def _stories_table(stories: Sequence[Any], title: str) -> Table:
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("story", style="dim", no_wrap=True)
    table.add_column("articles", justify="right")
    table.add_column("dates", no_wrap=True)
    table.add_column("title", max_width=56)
    table.add_column("keywords", max_width=36)
    for s in stories:
        first = s.first_seen.date().isoformat() if s.first_seen else "—"
        last = s.last_seen.date().isoformat() if s.last_seen else "—"
        table.add_row(
            s.id,
            str(len(s.article_ids)),
            first if first == last else f"{first} – {last}",
            s.title,
            ", ".join(s.keywords),
        )
    return table


@app.command("stories")
def list_stories(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(help="Articles to read and group first (files, dirs, globs, URLs)."),
    ] = None,
    db: DbOpt = None,
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Group the inputs in memory; do not use a store.")
    ] = False,
    topics: Annotated[
        bool,
        typer.Option(
            "--topics", help="Also group the stories into topics (stories on one subject)."
        ),
    ] = False,
    allow_private: AllowPrivateOpt = False,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Group articles into stories and list them (size, dates, title, keywords).

    With PATHs the inputs are read, stored and grouped into the store's stories (old
    articles are not processed again); without, the stored articles are grouped. With
    --topics the stories are listed under their topics.
    """
    from storycheck.ingest import IngestOptions, Ingestor
    from storycheck.models import ModelUnavailableError
    from storycheck.stories import group_articles, topics_of, update_store

    out = _output(json_, quiet, verbose)
    store = None if no_store else _open_store(db, read_only=not inputs)
    try:
        articles: list[Article] = []
        if inputs:
            ingestor = Ingestor(IngestOptions(allow_private=allow_private), store)
            try:
                result = ingestor.run(inputs)
            finally:
                ingestor.close()
            for problem in result.problems:
                out.problem(problem)
            articles = list(result.articles)
            if not articles:
                out.err.print("storycheck: no usable articles were read", markup=False)
                raise typer.Exit(2)
        elif store is not None:
            articles = store.articles()
        else:
            _bad_usage(out, "--no-store needs PATHs to read")
        usable = [a for a in articles if a.language in (None, "en")]
        try:
            stories = group_articles(usable) if store is None else update_store(store, usable)
            grouped = topics_of(usable, stories) if topics else []
        except ModelUnavailableError as exc:
            out.err.print(f"storycheck: {exc}", markup=False)
            raise typer.Exit(2) from None
    finally:
        if store is not None:
            store.close()
    if out.json:
        listed = [to_jsonable(s) for s in stories]
        out.emit_json(
            {"topics": [to_jsonable(t) for t in grouped], "stories": listed} if topics else listed
        )
    elif stories and topics:
        by_id = {s.id: s for s in stories}
        for topic in grouped:
            members = [by_id[sid] for sid in topic.story_ids]
            head = (
                f"topic {topic.id}: {topic.title} — {plural(len(members), 'story')}, "
                f"{plural(topic.article_count, 'article')}"
            )
            if topic.keywords:
                head += f" ({', '.join(topic.keywords)})"
            out.out.print(_stories_table(members, head))
    elif stories:
        total = sum(len(s.article_ids) for s in stories)
        out.out.print(
            _stories_table(stories, f"{plural(len(stories), 'story')}, {plural(total, 'article')}")
        )
    else:
        out.note("no stories yet: run `storycheck stories PATH...` or `storycheck ingest` first")


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Input files, directories or globs.")],
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Directory for stories.json, index.html and per-story reports (JSON + HTML).",
        ),
    ],
    engine: Annotated[
        str, typer.Option("--engine", help="local (process pool) or ray (Ray Data).")
    ] = "local",
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Processes / Ray CPUs (default: all).")
    ] = None,
    no_check: Annotated[
        bool, typer.Option("--no-check", help="Only group into stories; skip the cross-check.")
    ] = False,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Group a big archive into stories and cross-check each, on a process pool or Ray."""
    from storycheck.models import ModelUnavailableError
    from storycheck.stories.batch import BatchOptions, run_batch

    out = _output(json_, quiet, verbose)
    if engine not in ("local", "ray"):
        _bad_usage(out, f"--engine must be local or ray, not {engine!r}")
    if engine == "ray":
        try:
            import ray  # noqa: F401
        except ImportError:
            _bad_usage(out, "--engine ray needs Ray: pip install 'storycheck[ray]'")
    options = BatchOptions(engine=engine, workers=workers, check=not no_check)
    try:
        result = run_batch(inputs, out_dir, options, progress=out.note)
    except ModelUnavailableError as exc:
        out.err.print(f"storycheck: {exc}", markup=False)
        raise typer.Exit(2) from None
    for problem in result.problems:
        out.problem(problem)
    if out.json:
        out.emit_json(
            {
                "stories": len(result.stories),
                "articles": result.articles,
                "out": str(out_dir),
                "index": str(out_dir / "index.html"),
                "reports": [str(p) for p in result.reports],
                "html": [str(p.with_suffix(".html")) for p in result.reports],
            }
        )
    else:
        out.note(
            f"{plural(len(result.stories), 'story')} from {plural(result.articles, 'article')}; "
            f"wrote {out_dir / 'stories.json'}, {out_dir / 'index.html'}"
            + (
                f" and {plural(len(result.reports), 'story report')} (JSON and HTML)"
                if result.reports
                else ""
            )
        )
    if not result.articles:
        out.err.print("storycheck: no usable articles were read", markup=False)
        raise typer.Exit(2)


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
