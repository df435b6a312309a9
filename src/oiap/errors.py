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


class _Entry(Enum):
    """What every catalogue entry answers, whatever its wire family's code type."""

    @property
    def http_status(self) -> int:
        status: int = self.value.http_status
        return status

    @property
    def message(self) -> str:
        text: str = self.value.message
        return text


class CatalogueError(Exception):
    """A failure a client is told about with a catalogue code; never a stack trace."""

    error: _Entry

    def __init__(self, error: _Entry, detail: str | None = None) -> None:
        self.error = error
        self.detail = detail
        super().__init__(self.text)

    @property
    def text(self) -> str:
        if self.detail:
            return f"{self.error.message} {self.detail}"
        return self.error.message


class Err(_Entry):
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
    METHOD_NOT_ALLOWED = ErrorSpec(10000002, 405, "The method is not allowed here.")
    DIALOG_ORDER = ErrorSpec(10000002, 409, "The request does not follow the dialog's last action.")
    DIALOG_BUSY = ErrorSpec(10000001, 503, "The dialog is busy with another request; retry.")
    STORE_UNAVAILABLE = ErrorSpec(
        10000001, 503, "The session store is unavailable; retry in a few seconds."
    )
    DATABASE_UNAVAILABLE = ErrorSpec(
        10000001, 503, "The database is unavailable; retry in a few seconds."
    )
    CONFIGURATION_INVALID = ErrorSpec(
        10000002, 422, "The configuration does not pass validation; see 'problems'."
    )
    TTS_BUSY = ErrorSpec(10000001, 503, "Speech synthesis is busy; retry in a few seconds.")
    TTS_UNAVAILABLE = ErrorSpec(10000001, 503, "Speech synthesis is unavailable.")
    # The authorization interface (/chatbot/serverauth/login) answers every refusal with 401,
    # a fresh nonce and the message in 'error' (docs/api.md).
    LOGIN_CHALLENGE = ErrorSpec(
        900001, 401, "Log in with 'account', this 'nonce' and its 'checksum'."
    )
    LOGIN_NONCE = ErrorSpec(
        900002, 401, "The nonce is unknown, expired or already used; sign the new one."
    )
    LOGIN_FAILED = ErrorSpec(200800002, 401, "The account or the checksum is wrong.")
    LOGIN_LOCKED = ErrorSpec(200800003, 401, "The account is locked.")
    # Console users and their roles (docs/console.md).
    ROLE_FORBIDDEN = ErrorSpec(900003, 403, "Your role does not allow this.")
    CSRF_REFUSED = ErrorSpec(
        900004, 403, "The request lacks the session's CSRF token (X-CSRF-Token header)."
    )
    SIGNED_OUT = ErrorSpec(900001, 401, "Not signed in, or the session has ended; sign in again.")
    SIGN_IN_FAILED = ErrorSpec(200800002, 401, "The name or the password is wrong.")

    @property
    def code(self) -> int:
        code: int = self.value.code
        return code


class OiapError(CatalogueError):
    error: Err

    def __init__(self, error: Err, detail: str | None = None) -> None:
        super().__init__(error, detail)

    def body(self) -> dict[str, object]:
        return {"errorCode": self.error.code, "errorMsg": self.text}

    def text_code_body(self) -> dict[str, object]:
        """The body for interfaces documented with a string ``errorCode`` (spec §9)."""
        return {**self.body(), "errorCode": str(self.error.code)}


def parameter_error(field: str, problem: str = "is missing or invalid") -> OiapError:
    return OiapError(Err.PARAMETER, f"'{field}' {problem}.")


# --- MetaStudio smart-chat family -------------------------------------------------------
# MetaStudio clients read ``error_code``/``error_msg`` (gateway errors add ``request_id``).
# The public pages rarely give the HTTP status of a code (metastudio-smart-chat §12 item 13);
# the statuses below are our choice, listed in docs/metastudio.md.


@dataclass(frozen=True)
class MsErrorSpec:
    code: str
    http_status: int
    message: str


class MsErr(_Entry):
    """MetaStudio and API-gateway codes (spec metastudio-smart-chat §2.4, §11)."""

    GATEWAY_AUTH = MsErrorSpec("APIGW.0301", 401, "Incorrect IAM authentication information.")
    UNAUTHORIZED = MsErrorSpec("MSS.00000001", 401, "Unauthorized")
    BODY_TOO_LARGE = MsErrorSpec("MSS.00000002", 413, "Invalid body: larger than 12 MB.")
    INVALID_PARAMETER = MsErrorSpec("MSS.00000003", 400, "Invalid parameter")
    INTERNAL = MsErrorSpec("MSS.00000004", 500, "Internal Error")
    STORE_UNAVAILABLE = MsErrorSpec(
        "MSS.00000004", 503, "The session store is unavailable; retry in a few seconds."
    )
    DATABASE_UNAVAILABLE = MsErrorSpec(
        "MSS.00000004", 503, "The database is unavailable; retry in a few seconds."
    )
    API_NOT_FOUND = MsErrorSpec("MSS.00010003", 404, "SR.api not found")
    METHOD_NOT_ALLOWED = MsErrorSpec("MSS.00010004", 405, "SR.method not allowed")
    PROJECT_MISMATCH = MsErrorSpec("MSS.00010009", 400, "urlTenantId is not equal tokenTenantId")
    REQUEST_JSON = MsErrorSpec("MSS.10000002", 400, "Request JSON exception")
    ROOM_NOT_FOUND = MsErrorSpec("MSS.20010045", 404, "Room information not found.")
    ROOM_NAME_EXISTS = MsErrorSpec("MSS.20010148", 409, "Duplicate room name.")
    JOB_NOT_FOUND = MsErrorSpec("MSS.20010074", 404, "Job does not exist.")
    CONCURRENCY_EXHAUSTED = MsErrorSpec(
        "MSS.20010135", 400, "Running jobs exceed the dialog's concurrency."
    )
    OVER_PURCHASED = MsErrorSpec(
        "MSS.20010139", 400, "Dialog concurrency exceeds the project's resources."
    )
    ROBOT_NAME_EXISTS = MsErrorSpec("MSS.47010033", 409, "Application name already exists.")
    ROBOT_NOT_FOUND = MsErrorSpec("MSS.47010034", 404, "Application does not exist.")
    ROBOT_ROOM_EMPTY = MsErrorSpec("MSS.47010163", 400, "Application's room ID is empty.")
    START_FAILED = MsErrorSpec("MSS.47010037", 400, "Starting the smart-chat job failed.")
    AIUI_UNAUTHORIZED = MsErrorSpec("MSS.47010124", 400, "iFLYTEK AIUI unauthorized.")
    SPARK_UNAUTHORIZED = MsErrorSpec("MSS.47010125", 400, "iFLYTEK Spark unauthorized.")
    MOBVOI_UNAUTHORIZED = MsErrorSpec("MSS.47010127", 400, "Mobvoi unauthorized.")
    LLM_CONFIG_EMPTY = MsErrorSpec("MSS.47010130", 400, "Third-party LLM config is empty.")
    LLM_URL_EMPTY = MsErrorSpec("MSS.47010131", 400, "Third-party LLM URL is empty.")
    LLM_URL_INVALID = MsErrorSpec("MSS.47010134", 400, "Third-party LLM URL is invalid.")
    # A chat turn's call of the model failed: the same code, as the gateway errors they are.
    LLM_FAILED = MsErrorSpec("MSS.47010134", 502, "Third-party LLM call failed.")
    LLM_TIMEOUT = MsErrorSpec("MSS.47010134", 504, "Third-party LLM call timed out.")
    EXTEND_PARAM_INVALID = MsErrorSpec("MSS.47010152", 400, "extend_param is invalid.")
    ACTIVE_CODE_NOT_FOUND = MsErrorSpec("MSS.47010043", 404, "Activation code check failed.")
    ACTIVE_CODE_LOCKED = MsErrorSpec("MSS.47010044", 403, "Activation code check locked.")
    ACTIVE_CODE_EXPIRED = MsErrorSpec("MSS.47010045", 403, "Activation code expired.")
    ONCE_CODE_INVALID = MsErrorSpec("MSS.47010046", 404, "One-time code check failed.")
    ONCE_CODE_LOCKED = MsErrorSpec("MSS.47010047", 403, "One-time code check locked.")
    TOO_FREQUENT = MsErrorSpec("MSS.47010004", 429, "Requests too frequent.")
    CHAT_NOT_ACTIVE = MsErrorSpec("MSS.47010011", 400, "Chat service not active.")
    DIALOG_FINISHED = MsErrorSpec("MSS.47010012", 409, "Dialog already finished.")
    DIALOG_UNAVAILABLE = MsErrorSpec("MSS.47010014", 409, "Dialog state unavailable.")
    DRIVING_NO_WEB_CLIENT = MsErrorSpec(
        "MSS.47015010", 400, "Third-party-driving applications cannot chat from the web client."
    )

    @property
    def code(self) -> str:
        code: str = self.value.code
        return code


class MetaStudioError(CatalogueError):
    """A failure told to a MetaStudio client in its own envelope."""

    error: MsErr

    def __init__(self, error: MsErr, detail: str | None = None) -> None:
        super().__init__(error, detail)

    def body(self, request_id: str) -> dict[str, object]:
        body: dict[str, object] = {"error_code": self.error.code, "error_msg": self.text}
        if self.error.code.startswith("APIGW."):
            body["request_id"] = request_id
        return body


def invalid_parameter(name: str, problem: str = "is missing or invalid") -> MetaStudioError:
    return MetaStudioError(MsErr.INVALID_PARAMETER, f"'{name}' {problem}.")
