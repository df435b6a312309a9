"""Management API: try a domain's intent model ("try it") and see how well its examples
separate the intents (cross-validation, as ``oiap nlu evaluate`` computes it).

"Try it" asks the model calls run with: the one frozen with the live (default) version of
the flows that recognise with the domain, the most recently published of them. The figures
are of the domain's examples as they are now, i.e. of the model the next publish trains.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import APIRouter
from pydantic import BaseModel, Field, StrictStr

from oiap.api.access import Viewer
from oiap.api.manage.resource import Body, NameInPath, Store, body_of
from oiap.api.wire import request_schema
from oiap.domain.bots import DomainSpec
from oiap.errors import Err, OiapError
from oiap.nlu import MAX_INPUT_CHARS, IntentModel
from oiap.nlu.evaluation import Evaluation, cross_validate
from oiap.services.bot_ports import FlowVersion
from oiap.services.ports import Storage
from oiap.services.releases import intent_specs, model_from_bytes, model_key

K = TypeVar("K")
V = TypeVar("V")

router = APIRouter(prefix="/oiap/v1/domains", tags=["Management: domains"])

RANKED = 5
FOLDS = 5
# Cross-validation trains FOLDS models; about 2,000 examples take some seconds of one core.
# Larger domains are evaluated from the bot folder with `oiap nlu evaluate`.
EVALUATION_EXAMPLES_MAX = 2000
CACHED = 16

_models: OrderedDict[tuple[str, str], IntentModel] = OrderedDict()
_evaluations: OrderedDict[str, Evaluation] = OrderedDict()
# One evaluation at a time per worker: it is CPU work, and dialog turns share the cores.
_evaluating = asyncio.Lock()


def _remember(cache: OrderedDict[K, V], key: K, value: V) -> V:
    cache[key] = value
    while len(cache) > CACHED:
        cache.popitem(last=False)
    return value


# -- try it ----------------------------------------------------------------------------------


class PredictData(Body):
    text: Annotated[StrictStr, Field(min_length=1, max_length=MAX_INPUT_CHARS)]


class Ranked(BaseModel):
    code: str
    score: float


class PredictionOut(BaseModel):
    intent: str = Field(description="The recognised intent, or `unknown` below the threshold")
    score: float
    threshold: float
    ranking: list[Ranked]
    slots: dict[str, str]
    flow: str = Field(description="The flow whose live version the model was published with")
    version: int


@dataclass(frozen=True)
class PublishedModel:
    key: str
    flow: str
    version: int


def _live(versions: list[FlowVersion]) -> FlowVersion | None:
    """The version new calls run on unless a gray rule picks another."""
    marked = [v for v in versions if v.is_default]
    if marked:
        return marked[0]
    return max(versions, key=lambda v: v.number) if versions else None


async def _domain(storage: Storage, tenant_id: str, name: str) -> DomainSpec:
    async with storage.reader() as repos:
        specs = await repos.bots.list_domain_specs(tenant_id)
    for _, spec in specs:
        if spec.name == name:
            return spec
    raise OiapError(Err.NOT_FOUND, f"No domain '{name}'.")


async def _published_model(storage: Storage, tenant_id: str, domain: str) -> PublishedModel:
    found: list[tuple[FlowVersion, PublishedModel]] = []
    async with storage.reader() as repos:
        for stored in await repos.bots.list_flows(tenant_id):
            if not stored.latest_version:
                continue
            code = stored.flow.code
            live = _live(await repos.bots.list_versions(tenant_id, code))
            if live is None or not live.resources:
                continue
            key = json.loads(live.resources).get("models", {}).get(domain)
            if key:
                found.append((live, PublishedModel(key, code, live.number)))
    if not found:
        raise OiapError(
            Err.NOT_FOUND,
            f"Domain '{domain}' has no trained model yet: publish a flow that recognises "
            "intents with this domain, then try again.",
        )
    return max(found, key=lambda f: (f[0].published_at, f[1].flow))[1]


async def _load(storage: Storage, tenant_id: str, key: str) -> IntentModel:
    cached = _models.get((tenant_id, key))
    if cached is not None:
        _models.move_to_end((tenant_id, key))
        return cached
    async with storage.reader() as repos:
        data = await repos.dialogs.get_model(tenant_id, key)
    if data is None:
        raise OiapError(Err.NOT_FOUND, "The published model is missing; publish the flow again.")
    model = await asyncio.to_thread(model_from_bytes, data)
    return _remember(_models, (tenant_id, key), model)


@router.post(
    "/{name}/predict",
    response_model=PredictionOut,
    openapi_extra=request_schema(PredictData),
    summary="Rank the intents of an utterance with the domain's published model (try it)",
)
async def predict(
    access: Viewer,
    storage: Store,
    name: NameInPath,
    data: Annotated[PredictData, body_of(PredictData)],
) -> PredictionOut:
    await _domain(storage, access.tenant_id, name)  # an unknown domain: 10000003 by name
    published = await _published_model(storage, access.tenant_id, name)
    model = await _load(storage, access.tenant_id, published.key)
    p = await asyncio.to_thread(model.predict, data.text, None, RANKED)
    return PredictionOut(
        intent=p.intent,
        score=p.score,
        threshold=model.threshold,
        ranking=[Ranked(code=code, score=score) for code, score in p.ranked],
        slots=p.slots,
        flow=published.flow,
        version=published.version,
    )


# -- cross-validation ------------------------------------------------------------------------


class IntentFigures(BaseModel):
    code: str
    precision: float
    recall: float
    f1: float
    support: int = Field(description="Examples of the intent that were held out and scored")


class Confusion(BaseModel):
    expected: str
    predicted: str
    count: int


class Duplicate(BaseModel):
    text: str
    intents: list[str]


class EvaluationOut(BaseModel):
    domain: str
    folds: int
    examples: int
    accuracy: float
    intents: list[IntentFigures] = Field(description="Weakest (lowest F1) first")
    confusable: list[Confusion] = Field(description="Held-out examples taken for another intent")
    duplicates: list[Duplicate] = Field(description="Utterances listed under several intents")


def _evaluate(spec: DomainSpec) -> Evaluation:
    try:
        return cross_validate(intent_specs(spec), folds=FOLDS, language=spec.language.value)
    except ValueError as exc:  # e.g. too few intents with examples to tell apart
        raise OiapError(Err.PARAMETER, f"Domain '{spec.name}' cannot be evaluated: {exc}") from exc


@router.get(
    "/{name}/evaluation",
    response_model=EvaluationOut,
    summary="Per-intent precision, recall and F1 by cross-validation, with confusable pairs",
)
async def evaluation(access: Viewer, storage: Store, name: NameInPath) -> EvaluationOut:
    spec = await _domain(storage, access.tenant_id, name)
    examples = sum(len(i.examples) for i in intent_specs(spec))
    if examples > EVALUATION_EXAMPLES_MAX:
        raise OiapError(
            Err.PARAMETER,
            f"Domain '{name}' has {examples} examples, more than the "
            f"{EVALUATION_EXAMPLES_MAX} evaluated here; run `oiap nlu evaluate` on the bot folder.",
        )
    key = model_key(spec)
    result = _evaluations.get(key)
    if result is None:
        async with _evaluating:
            result = _evaluations.get(key)  # computed while this request waited
            if result is None:
                result = await asyncio.to_thread(_evaluate, spec)
                _remember(_evaluations, key, result)
    return EvaluationOut(
        domain=name,
        folds=result.folds,
        examples=examples,
        accuracy=result.accuracy,
        intents=[
            IntentFigures(
                code=code, precision=s.precision, recall=s.recall, f1=s.f1, support=s.support
            )
            for code, s in sorted(result.per_intent.items(), key=lambda x: (x[1].f1, x[0]))
        ],
        confusable=[Confusion(expected=e, predicted=p, count=n) for e, p, n in result.confused],
        duplicates=[Duplicate(text=t, intents=codes) for t, codes in result.duplicates],
    )
