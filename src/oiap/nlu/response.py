"""Exposing a recognition result to flows as ``TOC.`` variables (spec §11.5).

``TOC.ChatBotResponse`` carries the whole result in the shape documented for OIAP
(``{"intents": [{..., "confidence", "params", "scenarioName", ...}], "statusCode": 200}``);
``TOC.`` values are always strings, so it is JSON-encoded there.
"""

from __future__ import annotations

import json
from typing import Any

from oiap.nlu.intents import UNKNOWN_INTENT, UNKNOWN_INTENT_NAME, IntentSpec, Prediction


def chatbot_response(prediction: Prediction, intent: IntentSpec | None) -> dict[str, Any]:
    """The ``TOC.ChatBotResponse`` object; ``intent`` is the spec of the predicted intent."""
    unknown = prediction.intent == UNKNOWN_INTENT or intent is None
    name = UNKNOWN_INTENT_NAME if unknown or intent is None else intent.display_name
    reply = "" if unknown or intent is None else intent.reply
    return {
        "intents": [
            {
                "simQuestions": [],
                "scenarioType": "unknown" if unknown else "normal",
                "scenarioStatus": "finish",
                "confidence": round(prediction.score, 6),
                "responses": [reply] if reply else [],
                "priority": 0,
                "params": dict(prediction.slots),
                "scenarioName": name,
                "intentCode": UNKNOWN_INTENT if unknown else prediction.intent,
                "commands": [],
            }
        ],
        "statusCode": 200,
    }


def toc_variables(prediction: Prediction, intent: IntentSpec | None) -> dict[str, str]:
    """``TOC.ChatBotIntentCode``, ``TOC.ChatBotScenarioName``, ``TOC.ChatBot<slot>``, ..."""
    response = chatbot_response(prediction, intent)
    first = response["intents"][0]
    variables = {
        "TOC.ChatBotIntentCode": first["intentCode"],
        "TOC.ChatBotScenarioName": first["scenarioName"],
        "TOC.ChatBotResponse": json.dumps(response, ensure_ascii=False),
        "ChatBotRespContent": first["responses"][0] if first["responses"] else "",
    }
    for slot, value in prediction.slots.items():
        variables[f"TOC.ChatBot{slot}"] = value
    return variables
