from __future__ import annotations

import json

from oiap.nlu import IntentModel, chatbot_response, toc_variables


def test_toc_variables_of_a_recognised_intent(banking_model: IntentModel) -> None:
    prediction = banking_model.predict("balance of my visa 1234567", threshold=0.0)
    variables = toc_variables(prediction, banking_model.intent(prediction.intent))
    assert variables["TOC.ChatBotIntentCode"] == "check_balance"
    assert variables["TOC.ChatBotScenarioName"] == "Check balance"
    assert variables["TOC.ChatBotcard_type"] == "credit"
    assert variables["TOC.ChatBotaccount"] == "1234567"
    assert variables["ChatBotRespContent"] == "Let me check your balance."
    assert all(isinstance(v, str) for v in variables.values())
    response = json.loads(variables["TOC.ChatBotResponse"])
    assert response["statusCode"] == 200
    intent = response["intents"][0]
    assert intent["scenarioType"] == "normal"
    assert intent["params"] == {"account": "1234567", "card_type": "credit"}
    assert intent["confidence"] == round(prediction.score, 6)
    assert intent["simQuestions"] == []


def test_unknown_intent_response(banking_model: IntentModel) -> None:
    prediction = banking_model.predict("", threshold=0.5)
    response = chatbot_response(prediction, None)
    assert response["intents"][0]["scenarioType"] == "unknown"
    assert response["intents"][0]["scenarioName"] == "Unknown"
    assert toc_variables(prediction, None)["TOC.ChatBotIntentCode"] == "unknown"
