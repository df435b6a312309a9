"""A bot folder's ``tests/`` files as stored text: what ``oiap bot push`` keeps with the bot
and ``oiap bot pull`` writes back, byte for byte."""

from __future__ import annotations

from pathlib import Path

from oiap.services.conversation_test_ports import TestFile

TESTS = "tests"
PATTERNS = ("*.yaml", "*.yml")


def read_test_files(folder: Path) -> list[TestFile]:
    """The folder's test files in name order; unreadable files are for ``oiap bot test`` to
    report, so they are skipped here."""
    directory = folder / TESTS
    if not directory.is_dir():
        return []
    paths = sorted({p for pattern in PATTERNS for p in directory.glob(pattern) if p.is_file()})
    files = []
    for path in paths:
        try:
            files.append(TestFile(path.name, path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    return files


def write_test_files(folder: Path, files: list[TestFile]) -> list[Path]:
    """Make ``folder/tests`` hold exactly ``files`` (other kinds of file there are kept)."""
    directory = folder / TESTS
    wanted = {f.file for f in files}
    if directory.is_dir():
        for pattern in PATTERNS:
            for old in directory.glob(pattern):
                if old.name not in wanted:
                    old.unlink()
    written = []
    for stored in files:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / stored.file
        path.write_text(stored.text, encoding="utf-8")
        written.append(path)
    return written
