"""Console: the bot workbench (docs/api.md, "Console workbench"): checking and diffing a
draft, test calls, and the conversation tests kept with the bot."""

from __future__ import annotations

from fastapi import APIRouter

from oiap.api.console.conversation_tests import router as conversation_tests
from oiap.api.console.flow_checks import router as flow_checks
from oiap.api.console.simulator import router as test_calls

router = APIRouter()
router.include_router(flow_checks)
router.include_router(test_calls)
router.include_router(conversation_tests)
