"""Releases: what a published flow version runs with, frozen at publish and compiled once.

Publishing stores, beside the flow's canonical JSON, the resources it runs with (templates,
business interfaces, global variables, Q&A) and trains an intent model for every domain the
flow recognises against. A model is keyed by a digest of what it was trained on, so an
unchanged domain is never trained twice. A turn then only reads: the compiled release is
cached per (tenant, flow, version), which never changes once published.

Q&A is the exception: it is not part of a version. A call's Q&A nodes answer from the
tenant's active groups as they are now (``current_faq``, cached per configuration stamp), so
Q&A maintained through the §9 interfaces reaches calls without publishing anything. The copy
frozen in the resources document is kept for the record only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import io
import json
import tempfile
import zipfile
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from oiap.domain.bots import DomainSpec
from oiap.domain.faq import FaqGroup
from oiap.domain.flows import (
    BusinessInterface,
    Flow,
    InterfaceParameter,
    NodeKind,
    Template,
    Variable,
    flow_from_data,
    variable_from_data,
    variable_to_data,
)
from oiap.engine.release import FlowRelease
from oiap.nlu import (
    FaqEntry,
    FaqIndex,
    IntentModel,
    IntentSpec,
    SlotSpec,
    load_model,
    train,
    training_problem,
)
from oiap.services.ports import Repositories

RESOURCES_FORMAT = 1
CACHE_SIZE = 256


# -- what a version is frozen with --------------------------------------------------------


def intent_specs(domain: DomainSpec) -> list[IntentSpec]:
    """The domain's intents with examples, as the NLU package trains them (the Unknown
    intent only when it has examples: what callers say that the bot does not handle)."""
    return [
        IntentSpec(
            code=i.code,
            name=i.name,
            reply=i.reply,
            examples=i.examples,
            slots=tuple(
                SlotSpec(s.name, regex=s.regex, values={k: list(v) for k, v in s.values})
                for s in i.slots
            ),
        )
        for i in domain.intents
        if i.examples
    ]


def model_key(domain: DomainSpec) -> str:
    """A digest of everything a model is trained from."""
    data = {
        "language": domain.language.value,
        "threshold": domain.threshold,
        "intents": [asdict(i) for i in intent_specs(domain)],
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=list)
    return hashlib.sha256(text.encode()).hexdigest()


def train_domain(domain: DomainSpec) -> IntentModel:
    return train(intent_specs(domain), language=domain.language.value, threshold=domain.threshold)


def model_to_bytes(model: IntentModel) -> bytes:
    """The model's files in one zip, to store in the database beside the version."""
    with tempfile.TemporaryDirectory() as tmp:
        model.save(tmp)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(tmp).iterdir()):
                archive.write(path, path.name)
        return buffer.getvalue()


def model_from_bytes(data: bytes) -> IntentModel:
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if "/" in name or name.startswith("."):
                raise ValueError(f"unexpected file {name!r} in a stored model")
            (Path(tmp) / name).write_bytes(archive.read(name))
        return load_model(tmp)


def _interface_from_data(data: dict[str, Any]) -> BusinessInterface:
    def params(key: str) -> tuple[InterfaceParameter, ...]:
        return tuple(InterfaceParameter(**p) for p in data.get(key, []))

    return BusinessInterface(
        name=data["name"],
        method=data["method"],
        url=data["url"],
        timeout=data.get("timeout", 5),
        inputs=params("inputs"),
        outputs=params("outputs"),
        headers=params("headers"),
        description=data.get("description", ""),
    )


def _faq_entries(group: FaqGroup) -> list[dict[str, Any]]:
    return [
        {
            "question": q.question,
            "answer": q.answer,
            "similar": list(q.similar),
            "keywords": list(q.keywords),
        }
        for q in group.questions
    ]


def domains_used(flows: Iterable[Flow]) -> set[str]:
    return {
        str(n.params["domain"])
        for flow in flows
        for n in flow.nodes
        if n.kind == NodeKind.RECOGNIZE and "domain" in n.params
    }


def resources_document(
    *,
    language: str,
    templates: Iterable[Template],
    interfaces: Iterable[BusinessInterface],
    variables: Iterable[Variable],
    models: dict[str, str],
    faq_groups: Iterable[FaqGroup],
) -> str:
    return json.dumps(
        {
            "format": RESOURCES_FORMAT,
            "language": language,
            "templates": {t.name: t.text for t in templates},
            "interfaces": [asdict(i) for i in interfaces],
            "variables": [variable_to_data(v) for v in variables],
            "models": models,
            "faq": {g.name: _faq_entries(g) for g in faq_groups if g.active},
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def untrainable_domains(domains: Iterable[DomainSpec], flow: Flow) -> list[str]:
    """Problems of the domains ``flow`` recognises with that no model can be trained from
    (a domain with no examples at all has no model: everything said there is Unknown)."""
    specs = {spec.name: spec for spec in domains}
    problems = []
    for name in sorted(domains_used([flow])):
        trained = intent_specs(specs[name]) if name in specs else []
        problem = training_problem(trained) if trained else None
        if problem is not None:
            problems.append(f"domain {name!r}: {problem}")
    return problems


async def freeze_resources(
    repos: Repositories, tenant_id: str, flow: Flow, domains: Iterable[DomainSpec]
) -> str:
    """The resources document of a version of ``flow`` published now, training what is new
    (``domains``: the tenant's, as read for the checks before)."""
    bot = await repos.bots.get_bot(tenant_id)
    specs = {spec.name: spec for spec in domains}
    models: dict[str, str] = {}
    for name in sorted(domains_used([flow])):
        spec = specs.get(name)
        if spec is None or not intent_specs(spec):
            continue
        key = model_key(spec)
        models[name] = key
        if not await repos.dialogs.has_model(tenant_id, key):
            # Training is CPU work of a second or so; keep the event loop answering turns.
            model = await asyncio.to_thread(train_domain, spec)
            data = await asyncio.to_thread(model_to_bytes, model)
            await repos.dialogs.put_model(tenant_id, key, name, data)
    groups = await faq_groups(repos, tenant_id)
    language = (
        bot.language.value if bot else next((s.language.value for s in specs.values()), "en_US")
    )
    return resources_document(
        language=language,
        templates=await repos.bots.list_templates(tenant_id),
        interfaces=await repos.bots.list_interfaces(tenant_id),
        variables=await repos.bots.list_variables(tenant_id),
        models=models,
        faq_groups=groups,
    )


def compile_release(
    code: str,
    version: int,
    flow: Flow,
    resources: dict[str, Any],
    models: dict[str, IntentModel],
) -> FlowRelease:
    return FlowRelease(
        code=code,
        version=version,
        flow=flow,
        language=resources.get("language", "en_US"),
        templates=dict(resources.get("templates", {})),
        interfaces={i["name"]: _interface_from_data(i) for i in resources.get("interfaces", [])},
        global_variables=tuple(variable_from_data(v) for v in resources.get("variables", [])),
        domains=models,
        faq=faq_indexes(resources.get("faq", {})),
    )


def faq_indexes(faq: dict[str, list[dict[str, Any]]]) -> dict[str, FaqIndex]:
    """Searchable indexes of Q&A groups as ``resources_document`` writes them."""
    return {
        name: FaqIndex.build(
            [
                FaqEntry(
                    question=e["question"],
                    answer=e["answer"],
                    similar=tuple(e.get("similar", ())),
                    keywords=tuple(e.get("keywords", ())),
                )
                for e in entries
            ]
        )
        for name, entries in faq.items()
    }


async def faq_groups(repos: Repositories, tenant_id: str) -> list[FaqGroup]:
    groups = []
    for stored in await repos.bots.list_faq_groups(tenant_id):
        faqs = await repos.bots.list_faqs(stored.group_id)
        g = stored.group
        groups.append(
            FaqGroup(g.name, g.language, g.description, g.active, tuple(f.faq for f in faqs))
        )
    return groups


async def current_faq(repos: Repositories, tenant_id: str) -> dict[str, FaqIndex]:
    """The tenant's active Q&A groups as they are now, indexed (off the event loop)."""
    groups = await faq_groups(repos, tenant_id)
    entries = {g.name: _faq_entries(g) for g in groups if g.active}
    return await asyncio.to_thread(faq_indexes, entries)


def with_faq(release: FlowRelease, faq: dict[str, FaqIndex]) -> FlowRelease:
    """``release`` answering questions from ``faq`` (the tenant's current Q&A)."""
    return dataclasses.replace(release, faq=faq)


# -- loading, once per process ------------------------------------------------------------


class ReleaseCache:
    """Compiled releases by (tenant, flow, version); published versions never change, so an
    entry never goes stale. Bounded, least recently used out first."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._releases: OrderedDict[tuple[str, str, int], FlowRelease] = OrderedDict()
        self._models: OrderedDict[tuple[str, str], IntentModel] = OrderedDict()
        self._loading: dict[tuple[str, str, int], asyncio.Lock] = {}

    def cached(self, tenant_id: str, code: str, version: int) -> FlowRelease | None:
        key = (tenant_id, code, version)
        release = self._releases.get(key)
        if release is not None:
            self._releases.move_to_end(key)
        return release

    async def get(
        self, repos_factory: Any, tenant_id: str, code: str, version: int
    ) -> FlowRelease | None:
        """The release, compiled from storage on first use (``repos_factory`` opens a reader)."""
        found = self.cached(tenant_id, code, version)
        if found is not None:
            return found
        key = (tenant_id, code, version)
        lock = self._loading.setdefault(key, asyncio.Lock())
        async with lock:
            found = self.cached(tenant_id, code, version)
            if found is not None:
                return found
            async with repos_factory() as repos:
                stored = await repos.bots.get_version(tenant_id, code, version)
                if stored is None:
                    return None
                resources = json.loads(stored.resources) if stored.resources else {}
                models: dict[str, IntentModel] = {}
                for domain, model_id in resources.get("models", {}).items():
                    model = self._models.get((tenant_id, model_id))
                    if model is None:
                        data = await repos.dialogs.get_model(tenant_id, model_id)
                        if data is None:
                            continue
                        model = await asyncio.to_thread(model_from_bytes, data)
                        self._remember_model((tenant_id, model_id), model)
                    models[domain] = model
            flow = flow_from_data(json.loads(stored.definition))
            release = await asyncio.to_thread(
                compile_release, code, version, flow, resources, models
            )
            self._releases[key] = release
            while len(self._releases) > self._size:
                self._releases.popitem(last=False)
        self._loading.pop(key, None)
        return release

    def _remember_model(self, key: tuple[str, str], model: IntentModel) -> None:
        self._models[key] = model
        while len(self._models) > self._size:
            self._models.popitem(last=False)
