"""Demo stand-ins (``serve --demo`` only): the core-banking system the example bot calls, and a
JSON echo that the turn benchmark measures the bare server stack with.

The core-banking stand-in answers like the business interface the example bot calls, so the
demo works end to end on a machine with nothing else installed. Balances are made up from the
account number.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from oiap.api.wire import MalformedBody, read_json_object

router = APIRouter(tags=["demo"], include_in_schema=False)
PATH = "/demo/core-banking/balance"


@router.post(PATH)
async def balance(request: Request) -> JSONResponse:
    try:
        body = await read_json_object(request)
    except MalformedBody as exc:
        return JSONResponse({"error": exc.problem}, status_code=400)
    account = str(body.get("accountNumber", ""))
    if not account.isdigit() or len(account) < 4:
        return JSONResponse({"error": "unknown account"}, status_code=404)
    cents = int(account[-6:]) * 7919 % 2_000_000
    return JSONResponse(
        {"result": {"availableBalance": f"{cents / 100:.2f}", "accountSuffix": account[-4:]}}
    )


@router.post("/demo/echo")
async def echo(request: Request) -> JSONResponse:
    """The same stack with no work: what bench/turns.py compares a dialog turn against."""
    try:
        return JSONResponse(await read_json_object(request))
    except MalformedBody as exc:
        return JSONResponse({"error": exc.problem}, status_code=400)
