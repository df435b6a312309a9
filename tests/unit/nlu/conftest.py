"""Models trained once per session on the synthetic corpus."""

from __future__ import annotations

import pytest
from nlu_corpus import BANKING, CHINESE

from oiap.nlu import IntentModel, train


@pytest.fixture(scope="session")
def banking_model() -> IntentModel:
    return train(BANKING, language="en_US")


@pytest.fixture(scope="session")
def chinese_model() -> IntentModel:
    return train(CHINESE, language="zh_CN")
