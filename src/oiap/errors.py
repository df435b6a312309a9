"""The one error catalogue: every code the platform answers, its HTTP status and message.

OIAP management interfaces carry the code in ``errorCode`` and the text in ``errorMsg``.
The public documentation names the codes but not the HTTP status that goes with them
(spec §13, open points 2 and 3); we answer errors with a non-2xx status because OIAP
clients are told that HTTP 200 may be read as success. The choice is written down in
``docs/errors.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class ErrorSpec:
    code: int
    http_status: int
    message: str


class Err(Enum):
    """OIAP error codes (spec §2), each with the HTTP status we answer it with."""

    TOKEN_MISSING_OR_EXPIRED = ErrorSpec(900001, 401, "Token missing or expired.")
    TOKEN_INVALID = ErrorSpec(900002, 401, "Token verification failed.")
    INTERNAL = ErrorSpec(10000001, 500, "Internal error.")
    PARAMETER = ErrorSpec(10000002, 400, "Parameter error.")
    NOT_FOUND = ErrorSpec(10000003, 404, "The requested object does not exist.")
    ALREADY_EXISTS = ErrorSpec(10000004, 409, "Parameter value already exists.")
    DUPLICATE_INPUT_PARAMETER = ErrorSpec(10000006, 400, "Duplicate interface input parameter.")
    DUPLICATE_OUTPUT_PARAMETER = ErrorSpec(10000007, 400, "Duplicate interface output parameter.")
    DUPLICATE_HEADER_PARAMETER = ErrorSpec(10000008, 400, "Duplicate interface header parameter.")
    RELEASED = ErrorSpec(20000001, 409, "The object is released and cannot be modified.")
    FLOW_NAME_EXISTS = ErrorSpec(20000002, 409, "The flow name already exists.")
    NODE_REFERENCED = ErrorSpec(20000003, 409, "The object is referenced by another flow.")
    VARIABLE_REFERENCED = ErrorSpec(
        20000004, 409, "The variable is referenced by a flow or template and cannot be deleted."
    )
    VARIABLE_IN_USE = ErrorSpec(
        20000005, 409, "The variable is referenced by a flow or template and cannot be modified."
    )
    FILE_NOT_FOUND = ErrorSpec(20000006, 404, "The file path does not exist.")
    FILE_READ = ErrorSpec(20000007, 500, "The file could not be read.")
    DATA_UPDATE = ErrorSpec(20000008, 500, "Data update error.")
    SYSTEM_INTERNAL = ErrorSpec(200900002, 500, "Internal error.")
    SYSTEM_PARAMETER = ErrorSpec(200900003, 400, "Parameter error.")
    KEY_NOT_FOUND = ErrorSpec(200800001, 401, "The key does not exist.")
    KEY_WRONG = ErrorSpec(200800002, 401, "The key is wrong.")
    ACCOUNT_LOCKED = ErrorSpec(200800003, 403, "The account is locked.")
    BODY_TOO_LARGE = ErrorSpec(10000002, 413, "The request body is too large.")

    @property
    def code(self) -> int:
        return self.value.code

    @property
    def http_status(self) -> int:
        return self.value.http_status

    @property
    def message(self) -> str:
        return self.value.message


class OiapError(Exception):
    """A failure a client is told about with a catalogue code; never a stack trace."""

    def __init__(self, error: Err, detail: str | None = None) -> None:
        self.error = error
        self.detail = detail
        super().__init__(self.text)

    @property
    def text(self) -> str:
        if self.detail:
            return f"{self.error.message} {self.detail}"
        return self.error.message

    def body(self) -> dict[str, object]:
        return {"errorCode": self.error.code, "errorMsg": self.text}


def parameter_error(field: str, problem: str = "is missing or invalid") -> OiapError:
    return OiapError(Err.PARAMETER, f"'{field}' {problem}.")
