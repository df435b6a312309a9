"""Reading tensors from a ``.safetensors`` file with numpy only.

The format is an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
shape and byte range, then raw little-endian data. Reading it directly keeps torch and the
``safetensors`` package off the serving path, and it cannot execute code (unlike pickles).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

_FLOATS: dict[str, type[np.floating[Any]]] = {"F32": np.float32, "F16": np.float16}
_SKIPPED = ("I64", "I32", "I16", "I8", "U8", "BOOL")  # buffers such as position ids


def read_safetensors(path: Path) -> dict[str, npt.NDArray[np.float32]]:
    """All floating-point tensors of the file as float32 arrays (integer buffers skipped)."""
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    (header_size,) = struct.unpack("<Q", raw[:8].tobytes())
    header = json.loads(raw[8 : 8 + header_size].tobytes())
    start = 8 + header_size
    tensors: dict[str, npt.NDArray[np.float32]] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype_name = info["dtype"]
        if dtype_name in _SKIPPED:
            continue
        begin, end = info["data_offsets"]
        chunk = raw[start + begin : start + end]
        if dtype_name == "BF16":
            # bfloat16 is the top half of a float32.
            values = (chunk.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
        elif dtype_name in _FLOATS:
            values = chunk.view(_FLOATS[dtype_name]).astype(np.float32)
        else:
            raise ValueError(f"{path}: unsupported tensor dtype {dtype_name}")
        tensors[name] = np.array(values.reshape(info["shape"]), dtype=np.float32)
    return tensors
