"""Utterance normalisation and tokenisation shared by intents, slots and Q&A.

Inputs longer than :data:`MAX_INPUT_CHARS` characters are cut to that length before anything
else happens: a turn is a short utterance, and bounding the work keeps ``predict`` fast and
predictable whatever a caller sends.
"""

from __future__ import annotations

import re
import unicodedata

MAX_INPUT_CHARS = 1024

# Letters/digits runs, or one punctuation mark. CJK ideographs, kana and Hangul are split off
# one character per token afterwards because those scripts do not separate words with spaces.
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]")
_CJK = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff]"
)
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Cut to the input limit, fold width/compatibility forms and case, collapse spaces."""
    cut = text[:MAX_INPUT_CHARS]
    folded = unicodedata.normalize("NFKC", cut).casefold()
    return _SPACES.sub(" ", folded).strip()


def is_cjk(char: str) -> bool:
    return _CJK.match(char) is not None


def tokens(normalized: str) -> list[str]:
    """Words of an already normalised text; each CJK character is its own token."""
    out: list[str] = []
    for run in _TOKEN.findall(normalized):
        if _CJK.search(run) is None:
            out.append(run)
            continue
        word = ""
        for char in run:
            if is_cjk(char):
                if word:
                    out.append(word)
                    word = ""
                out.append(char)
            else:
                word += char
        if word:
            out.append(word)
    return out


def phrase_pattern(phrase: str) -> str:
    """Regex source finding a normalised phrase as whole words (CJK ends need no boundary)."""
    escaped = re.escape(phrase)
    head = "" if is_cjk(phrase[0]) else r"(?<!\w)"
    tail = "" if is_cjk(phrase[-1]) else r"(?!\w)"
    return head + escaped + tail
