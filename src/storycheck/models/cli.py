"""``storycheck models``: list the registered models, check the defaults, export MiniLM.

Mounted by the main CLI (``app.add_typer(models_app, name="models")``). Results go to
stdout (rich tables, or JSON with ``--json``); a missing package is one line on stderr
with the pip command, never a traceback. Exit codes: 0 fine, 1 a model could not be
loaded or exported, 2 bad usage (unknown model name, unreadable config).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from storycheck.models._deps import ModelUnavailableError, config_path
from storycheck.models.registry import (
    ROLES,
    SPECS,
    Choice,
    ConfigError,
    Role,
    choose,
    find_spec,
    get,
)

app = typer.Typer(
    name="models",
    help="List, check and export storycheck's models (embeddings, NLI, spaCy).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]

_out = Console(soft_wrap=False)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


def _problem(message: str) -> None:
    _err.print(f"storycheck: {message}", markup=False)


def _emit_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _choices() -> dict[Role, Choice]:
    try:
        return {role: choose(role) for role in ROLES}
    except ConfigError as exc:
        _problem(str(exc))
        raise typer.Exit(2) from None


@app.command("list")
def list_models(json_: JsonOpt = False) -> None:
    """Registered models, whether each is installed, and which are the defaults."""
    choices = _choices()
    roles_of: dict[str, list[str]] = {}
    for role, choice in choices.items():
        if choice.name:
            roles_of.setdefault(choice.name, []).append(role)
    rows: list[dict[str, Any]] = []
    for spec in SPECS:
        ok, reason = spec.availability()
        rows.append(
            {
                "name": spec.name + ("<id>" if spec.prefix else ""),
                "kind": spec.kind,
                "description": spec.description,
                "available": ok,
                "requires_argument": spec.prefix,
                "needs_network": spec.network,
                "missing": reason or None,
                "install": spec.install,
                "default_for": roles_of.get(spec.name, []),
            }
        )
    # configured names that are prefix specs (st:..., onnx-nli:...) get their own rows
    for name, roles in roles_of.items():
        if any(r["name"] == name for r in rows):
            continue
        try:
            spec, argument = find_spec(name)
        except ConfigError as exc:
            _problem(str(exc))
            raise typer.Exit(2) from None
        ok, reason = spec.availability(argument)
        rows.append(
            {
                "name": name,
                "kind": spec.kind,
                "description": spec.description,
                "available": ok,
                "requires_argument": False,
                "needs_network": spec.network,
                "missing": reason or None,
                "install": spec.install,
                "default_for": roles,
            }
        )
    settings = {
        role: {"model": c.name, "source": c.source, "candidates": list(c.candidates)}
        for role, c in choices.items()
    }
    if json_:
        _emit_json({"models": rows, "roles": settings, "config_file": str(config_path())})
        return
    table = Table(title="storycheck models")
    for column in ("name", "kind", "status", "default for", "description"):
        table.add_column(column, overflow="fold")
    for row in rows:
        if row["available"]:
            status = "[green]available[/]"
        elif row["requires_argument"]:
            status = "[dim]takes <id>[/]"
        else:
            status = "[yellow]missing[/]"
        if row["needs_network"]:
            status += " [dim](hub)[/]"
        table.add_row(
            escape(row["name"]),
            row["kind"],
            status,
            ", ".join(row["default_for"]),
            escape(row["description"]),
        )
    _out.print(table)
    for row in rows:
        if not row["available"] and not row["requires_argument"]:
            _out.print(f"[yellow]{escape(row['name'])}[/]: {escape(row['missing'] or '')}")
    role_table = Table(title="roles (default < config < env < argument)")
    for column in ("role", "model", "chosen by"):
        role_table.add_column(column)
    for role, c in choices.items():
        role_table.add_row(role, escape(c.name or "-"), c.source)
    _out.print(role_table)
    _out.print(f"[dim]config file: {escape(str(config_path()))}[/]")


def _workload(role: Role, model: Any, size: int) -> dict[str, Any]:
    from storycheck.models import samples

    if role in ("embedder", "fast_embedder"):
        texts = samples.news_sentences(size, seed=1)
        model.encode(samples.short_texts(), use_cache=False)  # warm-up
        start = time.perf_counter()
        vectors = model.encode(texts, use_cache=False)
        elapsed = time.perf_counter() - start
        return {
            "items": len(texts),
            "unit": "sentences/s",
            "throughput": round(len(texts) / elapsed, 1),
            "dim": int(vectors.shape[1]),
        }
    if role == "nli":
        items = samples.nli_pairs(max(3, size // 8))
        pairs = [pair for pair, _ in items]
        model.relations(pairs[:2])  # warm-up
        start = time.perf_counter()
        probs = model.relations(pairs)
        elapsed = time.perf_counter() - start
        labels = ("entailment", "neutral", "contradiction")
        agree = sum(
            labels[int(p.argmax())] == gold for p, (_, gold) in zip(probs, items, strict=True)
        )
        return {
            "items": len(pairs),
            "unit": "pairs/s",
            "throughput": round(len(pairs) / elapsed, 1),
            "synthetic_agreement": round(agree / len(pairs), 3),
        }
    texts = samples.news_sentences(size)
    words = sum(len(t.split()) for t in texts)
    model.parse(samples.short_texts(), components=("ner",))  # warm-up
    start = time.perf_counter()
    docs = model.parse(texts, components=("ner",))
    elapsed = time.perf_counter() - start
    return {
        "items": len(texts),
        "unit": "words/s (ner only)",
        "throughput": round(words / elapsed, 1),
        "entities": sum(len(d.ents) for d in docs),
    }


def _numerics(model: Any, verify: bool) -> dict[str, Any]:
    """Precision, kernel path and (with ``verify``) the distance to the float64 reference."""
    out: dict[str, Any] = {}
    numerics = getattr(model, "numerics", None)
    if numerics is not None:
        found = numerics()
        out.update(
            precision=found.precision,
            kernel=found.kernel,
            cpu_independent=found.cpu_independent,
            warning=found.warning,
        )
    if verify:
        from storycheck.models.reference import verify_model

        checked = verify_model(model)
        if checked is not None:
            out["reference_max_abs_diff"] = checked.max_abs_diff
            out["reference_ok"] = checked.ok
            if not checked.ok:
                out["warning"] = (
                    f"outputs differ from the float64 reference by {checked.max_abs_diff:.3g} "
                    f"(tolerance {checked.tolerance:g})"
                    + (f"; {out['warning']}" if out.get("warning") else "")
                )
    return out


@app.command("check")
def check(
    json_: JsonOpt = False,
    role: Annotated[
        list[str] | None,
        typer.Option("--role", help="Only these roles (embedder, fast_embedder, nli, parser)."),
    ] = None,
    size: Annotated[int, typer.Option(help="Sentences in the tiny workload.")] = 128,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Also compare each ONNX model's outputs on two fixed inputs with a float64 "
            "numpy evaluation of the same graph (seconds per model).",
        ),
    ] = False,
) -> None:
    """Load each default model, run a tiny workload, and print load time and throughput.

    Also prints this CPU's relevant features (AVX2, AVX-512, VNNI) and, per model, the
    precision and kernel path it runs with, with a warning when that path is known to
    give other numbers on other CPUs.
    """
    from storycheck.models.cpu import cpu_info

    cpu = cpu_info()
    wanted = role or list(ROLES)
    bad = [r for r in wanted if r not in ROLES]
    if bad:
        _problem(f"unknown role(s) {bad}; roles: {', '.join(ROLES)}")
        raise typer.Exit(2)
    choices = _choices()
    results: list[dict[str, Any]] = []
    failed = False
    for name in wanted:
        r: Role = name  # type: ignore[assignment]
        choice = choices[r]
        entry: dict[str, Any] = {"role": r, "model": choice.name, "source": choice.source}
        try:
            if choice.name is None:
                raise ModelUnavailableError(f"no {r} model configured")
            spec, _ = find_spec(choice.name)
            if spec.kind != ("embedder" if r == "fast_embedder" else r):
                raise ConfigError(f"{choice.name!r} is a {spec.kind}, not usable as {r}")
            start = time.perf_counter()
            model = get(choice.name)
            model.load()  # type: ignore[attr-defined]
            entry["load_s"] = round(time.perf_counter() - start, 3)
            entry["model_id"] = getattr(model, "model_id", choice.name)
            entry.update(_workload(r, model, size))
            entry.update(_numerics(model, verify))
            entry["ok"] = True
        except (ModelUnavailableError, ConfigError) as exc:
            failed = True
            entry["ok"] = False
            entry["error"] = str(exc)
            if not json_:
                _problem(f"{r}: {exc}")
        results.append(entry)
    cpu_entry = {"arch": cpu.arch, "model": cpu.model, **cpu.features()}
    if json_:
        _emit_json({"cpu": cpu_entry, "checks": results})
    else:
        _out.print(f"CPU: {escape(cpu.label())}")
        table = Table(title="storycheck model check")
        for column in ("role", "model", "load s", "throughput", "precision", "notes"):
            table.add_column(column, overflow="fold")
        for e in results:
            if not e["ok"]:
                table.add_row(
                    e["role"], escape(e["model"] or "-"), "-", "-", "-", "[red]not available[/]"
                )
                continue
            notes = {k: v for k, v in e.items() if k in ("dim", "synthetic_agreement", "entities")}
            if "reference_max_abs_diff" in e:
                notes["vs float64"] = f"{e['reference_max_abs_diff']:.1e}"
            kernel = e.get("precision", "?")
            table.add_row(
                e["role"],
                escape(e["model"]),
                f"{e['load_s']:.2f}",
                f"{e['throughput']:,.0f} {e['unit']}",
                escape(kernel) if e["cpu_independent"] else f"[yellow]{escape(kernel)}[/]",
                ", ".join(f"{k}={v}" for k, v in notes.items()),
            )
        _out.print(table)
        for e in results:
            if e.get("kernel"):
                _out.print(f"{escape(e['model'])}: {escape(e['kernel'])}")
        for e in results:
            if e.get("warning"):
                _err.print(f"storycheck: warning: {e['model']}: {e['warning']}", markup=False)
    if failed:
        raise typer.Exit(1)


@app.command("export")
def export(
    model: Annotated[str, typer.Argument(help="What to export: minilm.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default: the model cache).")
    ] = None,
) -> None:
    """Export a model to ONNX with torch (one-off; needs the torch extra)."""
    if model != "minilm":
        _problem(f"cannot export {model!r}; exportable: minilm")
        raise typer.Exit(2)
    from storycheck.models.export import export_minilm_onnx

    try:
        start = time.perf_counter()
        path = export_minilm_onnx(out)
    except ModelUnavailableError as exc:
        _problem(str(exc))
        raise typer.Exit(1) from None
    _out.print(
        f"exported all-MiniLM-L6-v2 (fp32) to {path} in {time.perf_counter() - start:.1f}s"
        + ("" if out else "; use it as the model 'minilm-onnx-fp32'"),
        markup=False,
    )
