"""The catalogue holds every code of the OIAP spec's common error table (§2)."""

from __future__ import annotations

import re
from pathlib import Path

from oiap.errors import Err, OiapError

SPEC = Path(__file__).resolve().parents[3].parent / "shared" / "spec" / "oiap.md"


def spec_codes() -> set[int]:
    text = SPEC.read_text(encoding="utf-8")
    section = text.split("## 2. Common error codes", 1)[1].split("\n## ", 1)[0]
    return {int(code) for code in re.findall(r"^\| (\d{5,}) \|", section, re.MULTILINE)}


def test_every_spec_code_is_in_the_catalogue() -> None:
    codes = spec_codes()
    assert len(codes) >= 20
    assert codes <= {e.code for e in Err}


def test_errors_render_the_management_shape() -> None:
    body = OiapError(Err.PARAMETER, "'appKey' is missing.").body()
    assert body == {"errorCode": 10000002, "errorMsg": "Parameter error. 'appKey' is missing."}


def test_every_error_has_a_client_or_server_status() -> None:
    for error in Err:
        assert 400 <= error.http_status < 600
        assert error.message.endswith(".")
