"""Cross-validated quality report of a domain's intents, for bot authors.

Stratified k-fold: each intent's examples are dealt round-robin (after a seeded shuffle) into
the folds, so every fold sees every intent in proportion. Scores use the top-ranked intent
(no threshold), because the question is "does the corpus separate the intents", not where the
threshold sits.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from oiap.nlu.intents import IntentSpec
from oiap.nlu.text import normalize
from oiap.nlu.training import train


@dataclass(frozen=True)
class IntentScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Evaluation:
    folds: int
    accuracy: float
    per_intent: dict[str, IntentScore]
    confused: list[tuple[str, str, int]]
    """(expected, predicted, count), most frequent first."""
    duplicates: list[tuple[str, list[str]]]
    """Utterances (normalised) listed under more than one intent, with those intents."""


def duplicate_examples(intents: Sequence[IntentSpec]) -> list[tuple[str, list[str]]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for intent in intents:
        for example in intent.examples:
            key = normalize(example)
            if key:
                owners[key].add(intent.code)
    return sorted((text, sorted(codes)) for text, codes in owners.items() if len(codes) > 1)


def cross_validate(
    intents: Sequence[IntentSpec],
    *,
    folds: int = 5,
    language: str = "en_US",
    backend: str = "default",
    seed: int = 0,
    top_confusions: int = 10,
) -> Evaluation:
    if folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, str, int]] = []
    for intent in intents:
        examples = [e for e in intent.examples if normalize(e)]
        for rank, i in enumerate(rng.permutation(len(examples))):
            rows.append((examples[int(i)], intent.code, rank % folds))
    expected: list[str] = []
    predicted: list[str] = []
    for fold in range(folds):
        held = [(t, c) for t, c, f in rows if f == fold]
        kept: dict[str, list[str]] = defaultdict(list)
        for t, c, f in rows:
            if f != fold:
                kept[c].append(t)
        if not held:
            continue
        model = train(
            [IntentSpec(code=c, examples=tuple(e)) for c, e in kept.items()],
            language=language,
            backend=backend,
            seed=seed,
        )
        for text, code in held:
            expected.append(code)
            predicted.append(model.predict(text, threshold=0.0).intent)
    pairs = Counter(zip(expected, predicted, strict=True))
    per_intent: dict[str, IntentScore] = {}
    for intent in intents:
        code = intent.code
        true_pos = pairs[(code, code)]
        support = sum(1 for e in expected if e == code)
        claimed = sum(1 for p in predicted if p == code)
        precision = true_pos / claimed if claimed else 0.0
        recall = true_pos / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[code] = IntentScore(precision, recall, f1, support)
    confused = sorted(
        ((e, p, n) for (e, p), n in pairs.items() if e != p), key=lambda x: (-x[2], x[0], x[1])
    )
    right = sum(n for (e, p), n in pairs.items() if e == p)
    return Evaluation(
        folds=folds,
        accuracy=right / len(expected) if expected else 0.0,
        per_intent=per_intent,
        confused=confused[:top_confusions],
        duplicates=duplicate_examples(intents),
    )
