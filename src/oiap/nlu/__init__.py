"""Intent recognition, slot filling and Q&A matching (pure: no web, no database).

Models are trained when a bot is published (:func:`train`) and saved as plain files
(:meth:`IntentModel.save`, :func:`load_model`); ``IntentModel.predict`` and ``FaqIndex.match``
run on every turn, are fast and never mutate state, so instances are safe to share across
threads. Inputs are cut to :data:`MAX_INPUT_CHARS` (1024) characters.
"""

from oiap.nlu.faq import DEFAULT_FAQ_THRESHOLD, FaqEntry, FaqIndex, FaqMatch
from oiap.nlu.intents import UNKNOWN_INTENT, IntentSpec, Prediction
from oiap.nlu.model import DEFAULT_THRESHOLD, IntentModel
from oiap.nlu.model_files import ModelFormatError, load_model
from oiap.nlu.response import chatbot_response, toc_variables
from oiap.nlu.slots import SlotSpec
from oiap.nlu.text import MAX_INPUT_CHARS
from oiap.nlu.training import BACKENDS, train, training_problem

__all__ = [
    "BACKENDS",
    "DEFAULT_FAQ_THRESHOLD",
    "DEFAULT_THRESHOLD",
    "MAX_INPUT_CHARS",
    "UNKNOWN_INTENT",
    "FaqEntry",
    "FaqIndex",
    "FaqMatch",
    "IntentModel",
    "IntentSpec",
    "ModelFormatError",
    "Prediction",
    "SlotSpec",
    "chatbot_response",
    "load_model",
    "toc_variables",
    "train",
    "training_problem",
]
