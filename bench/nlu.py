"""NLU benchmark on an intent dataset in CLINC150 ``data_full.json`` layout.

Protocol (one command, figures printed, last line JSON):

* train on ``train`` (in-scope rows only). With ``--unknown-examples``, the ``oos_train``
  rows are also trained, as the examples of the bot's Unknown intent (what callers say that
  the bot does not handle; Larson et al.'s "oos-train" setting, in which their reference
  figures were measured). An utterance the model answers Unknown at threshold 0 (its
  Unknown class outscored every intent) counts as Unknown at every threshold;
* choose the confidence threshold on ``val`` + ``oos_val`` pooled: the threshold that
  maximises the share of right answers over all val utterances, where the right answer to an
  out-of-scope utterance is Unknown and an in-scope one must be the right intent at or above
  the threshold (ties: the lowest such threshold). Without ``oos_val`` rows, the threshold
  keeping 95 % of the correct val predictions;
* report on ``test`` + ``oos_test``. **Accuracy** = share of in-scope test utterances whose
  predicted intent is right AND whose score reaches the threshold (a right intent under the
  threshold is an Unknown answer, so it counts wrong). The no-threshold accuracy (top-ranked
  intent right) is printed too. **OOS recall** = share of ``oos_test`` utterances answered
  Unknown. Latency: ``predict`` called on one utterance at a time, in process, over all test
  utterances.

``--folds K`` instead runs stratified K-fold cross-validation on ``train`` (no threshold).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from oiap.nlu import UNKNOWN_INTENT, IntentModel, IntentSpec, train

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "clinc150" / "data_full.json"
OOS_LABEL = "oos"
THREADS_ENV = "OIAP_NLU_THREADS"

Rows = list[tuple[str, str]]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def specs(rows: Rows, unknown_examples: Rows = ()) -> list[IntentSpec]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for text, intent in rows:
        if intent != OOS_LABEL:
            grouped[intent].append(text)
    intents = [IntentSpec(code=c, examples=tuple(e)) for c, e in sorted(grouped.items())]
    if unknown_examples:
        intents.append(IntentSpec(UNKNOWN_INTENT, tuple(t for t, _ in unknown_examples)))
    return intents


def scored(model: IntentModel, rows: Rows) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Top score, whether the top intent is right, and per-call latency (seconds). An
    utterance answered Unknown at threshold 0 scores -1: Unknown at any threshold."""
    scores, right, latency = [], [], []
    for text, intent in rows:
        start = time.perf_counter()
        prediction = model.predict(text, threshold=0.0)
        latency.append(time.perf_counter() - start)
        unknown = prediction.is_unknown
        scores.append(-1.0 if unknown else prediction.score)
        right.append(not unknown and prediction.ranked[0][0] == intent)
    return np.array(scores), np.array(right), latency


def choose_threshold(in_scores: np.ndarray, in_right: np.ndarray, oos_scores: np.ndarray) -> float:
    if len(oos_scores) == 0:
        correct = in_scores[in_right]
        return float(np.quantile(correct, 0.05)) if len(correct) else 0.5
    candidates = np.unique(np.concatenate((in_scores, oos_scores, [0.0])))
    best, best_right = 0.0, -1
    for threshold in candidates:
        right = int(np.sum(in_right & (in_scores >= threshold)) + np.sum(oos_scores < threshold))
        if right > best_right:
            best, best_right = float(threshold), right
    return best


def cross_validate(rows: Rows, folds: int, backend: str) -> None:
    rng = np.random.default_rng(0)
    fold_of: dict[int, int] = {}
    by_intent: dict[str, list[int]] = defaultdict(list)
    for i, (_, intent) in enumerate(rows):
        by_intent[intent].append(i)
    for members in by_intent.values():
        for rank, i in enumerate(rng.permutation(members)):
            fold_of[int(i)] = rank % folds
    accuracies = []
    for fold in range(folds):
        train_rows = [r for i, r in enumerate(rows) if fold_of[i] != fold]
        test_rows = [r for i, r in enumerate(rows) if fold_of[i] == fold]
        model = train(specs(train_rows), backend=backend)
        _, right, _ = scored(model, test_rows)
        accuracies.append(float(np.mean(right)) * 100)
        print(f"fold {fold + 1}/{folds}: accuracy {accuracies[-1]:.2f}")
    print(f"mean accuracy {np.mean(accuracies):.2f} ± {np.std(accuracies):.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--backend", default="default", choices=("default", "embed"))
    parser.add_argument("--folds", type=int, default=0, help="K-fold CV on train instead")
    parser.add_argument(
        "--unknown-examples",
        action="store_true",
        help="train oos_train as the Unknown intent's examples",
    )
    args = parser.parse_args()
    data = json.loads(args.data.read_text(encoding="utf-8"))
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"data: {args.data}  backend: {args.backend}")
    train_rows: Rows = [(t, i) for t, i in data["train"] if i != OOS_LABEL]
    if args.folds:
        cross_validate(train_rows, args.folds, args.backend)
        return 0

    unknown_rows: Rows = (
        [tuple(r) for r in data.get("oos_train", [])] if args.unknown_examples else []
    )  # type: ignore[misc]
    intents = specs(train_rows, unknown_rows)
    start = time.perf_counter()
    model = train(intents, backend=args.backend)
    train_s = time.perf_counter() - start
    print(
        f"trained {len(intents) - bool(unknown_rows)} intents on "
        f"{len(train_rows)} utterances in {train_s:.1f} s"
        + (f", with {len(unknown_rows)} Unknown-intent examples" if unknown_rows else "")
    )
    if model.encoder is not None:
        info = model.encoder.describe()
        print(
            f"encoder: {info['name']}, layers {info['layers']}, {info['precision']} on "
            f"{model.encoder.runtime} (intra-op threads: ${THREADS_ENV} or 1)"
        )

    val_scores, val_right, _ = scored(model, [tuple(r) for r in data["val"]])  # type: ignore[misc]
    oos_val, _, _ = scored(model, [tuple(r) for r in data.get("oos_val", [])])  # type: ignore[misc]
    threshold = choose_threshold(val_scores, val_right, oos_val)
    print(f"threshold chosen on val: {threshold:.4f}")

    test_scores, test_right, latency = scored(model, [tuple(r) for r in data["test"]])  # type: ignore[misc]
    oos_test, _, oos_latency = scored(model, [tuple(r) for r in data.get("oos_test", [])])  # type: ignore[misc]
    latency_ms = np.array(latency + oos_latency) * 1000
    accuracy = float(np.mean(test_right & (test_scores >= threshold))) * 100
    raw_accuracy = float(np.mean(test_right)) * 100
    oos_recall = float(np.mean(oos_test < threshold)) * 100 if len(oos_test) else float("nan")
    print(f"in-scope accuracy (right intent AND score >= threshold): {accuracy:.2f}")
    print(f"in-scope accuracy without threshold (top intent right):  {raw_accuracy:.2f}")
    print(f"out-of-scope recall (answered Unknown):                   {oos_recall:.2f}")
    for t in (0.3, 0.5, 0.7):
        acc_t = float(np.mean(test_right & (test_scores >= t))) * 100
        rec_t = float(np.mean(oos_test < t)) * 100 if len(oos_test) else float("nan")
        print(f"  at threshold {t:.1f}: accuracy {acc_t:.2f}, oos recall {rec_t:.2f}")
    p50, p99 = (float(np.percentile(latency_ms, q)) for q in (50, 99))
    print(f"predict latency over {len(latency_ms)} calls: p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    print(
        json.dumps(
            {
                "backend": args.backend,
                "unknown_examples": len(unknown_rows),
                "accuracy": round(accuracy, 2),
                "accuracy_no_threshold": round(raw_accuracy, 2),
                "oos_recall": round(oos_recall, 2),
                "threshold": round(threshold, 4),
                "train_s": round(train_s, 2),
                "predict_p50_ms": round(p50, 4),
                "predict_p99_ms": round(p99, 4),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
