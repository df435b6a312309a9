"""Intent models timed into the operator's NLU latency histogram.

Apart from ``telemetry`` because it needs the NLU stack (scikit-learn, scipy): everything
that only counts things, the CLI's session stores included, stays free of it.
"""

from __future__ import annotations

import dataclasses
import time

from oiap.engine.release import FlowRelease
from oiap.nlu import IntentModel
from oiap.nlu.intents import Prediction
from oiap.nlu.model import DEFAULT_TOP_K
from oiap.services.telemetry import meters


class _TimedModel(IntentModel):
    """The same model, its ``predict`` timed into ``meters.nlu_predict_seconds``."""

    def predict(
        self, text: str, threshold: float | None = None, top_k: int = DEFAULT_TOP_K
    ) -> Prediction:
        began = time.perf_counter()
        try:
            return super().predict(text, threshold, top_k)
        finally:
            meters.nlu_predict_seconds.observe(time.perf_counter() - began)


def timed_release(release: FlowRelease) -> FlowRelease:
    """``release`` with its intent models timed; made once per release, not per turn."""
    if not meters.enabled or not release.domains:
        return release
    timed = {
        name: model if isinstance(model, _TimedModel) else _timed(model)
        for name, model in release.domains.items()
    }
    return dataclasses.replace(release, domains=timed)


def _timed(model: IntentModel) -> _TimedModel:
    values = {f.name: getattr(model, f.name) for f in dataclasses.fields(model) if f.init}
    return _TimedModel(**values)
