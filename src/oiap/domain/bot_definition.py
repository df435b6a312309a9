"""A whole bot as one value: what ``oiap bot push`` installs and ``oiap bot pull`` writes.

Versions and gray rules are not part of it: they are the history of what was published,
kept by the platform, not something a team edits in files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from oiap.domain.bots import AccessCode, DomainSpec, Language, access_code_problem
from oiap.domain.faq import FaqGroup, faq_problems, group_problems
from oiap.domain.flow_validation import Catalogue, subflow_codes, validate_flow
from oiap.domain.flows import BusinessInterface, Flow, Template, Variable, placeholders


@dataclass(frozen=True)
class Bot:
    name: str
    language: Language = Language.EN_US
    description: str = ""
    domains: tuple[DomainSpec, ...] = ()
    faq_groups: tuple[FaqGroup, ...] = ()
    flows: tuple[Flow, ...] = ()
    variables: tuple[Variable, ...] = ()  # GLOBAL.* variables
    templates: tuple[Template, ...] = ()
    interfaces: tuple[BusinessInterface, ...] = ()
    access_codes: tuple[AccessCode, ...] = ()


@dataclass(frozen=True)
class BotProblem:
    """A problem with one object of a bot: ``subject`` is (kind, name), e.g. ("flow", "main")."""

    subject: tuple[str, str]
    message: str
    node: str | None = None


def catalogue_of(
    *,
    variables: Iterable[Variable],
    templates: Iterable[Template],
    interfaces: Iterable[BusinessInterface],
    domains: Iterable[DomainSpec],
    faq_groups: Iterable[str],
    flows: Iterable[Flow],
) -> Catalogue:
    return Catalogue(
        global_variables=frozenset(v.name for v in variables),
        templates=frozenset(t.name for t in templates),
        interfaces={i.name: i for i in interfaces},
        domains={d.name: frozenset(d.intent_codes()) for d in domains},
        faq_groups=frozenset(faq_groups),
        subflows={f.code: frozenset(subflow_codes(f)) for f in flows},
    )


def bot_catalogue(bot: Bot) -> Catalogue:
    return catalogue_of(
        variables=bot.variables,
        templates=bot.templates,
        interfaces=bot.interfaces,
        domains=bot.domains,
        faq_groups=(g.name for g in bot.faq_groups),
        flows=bot.flows,
    )


def _repeats(kind: str, names: Iterable[str]) -> list[BotProblem]:
    return [
        BotProblem((kind, name), f"{kind} {name!r} is defined {count} times")
        for name, count in Counter(names).items()
        if count > 1
    ]


def validate_bot(bot: Bot) -> list[BotProblem]:
    """Every problem in the bot, each tied to the object it is about."""
    problems: list[BotProblem] = []
    problems += _repeats("domain", (d.name for d in bot.domains))
    problems += _repeats("faq", (g.name for g in bot.faq_groups))
    problems += _repeats("flow", (f.code for f in bot.flows))
    problems += _repeats("variable", (v.name for v in bot.variables))
    problems += _repeats("template", (t.name for t in bot.templates))
    problems += _repeats("interface", (i.name for i in bot.interfaces))
    problems += _repeats("access-code", (a.access_code for a in bot.access_codes))
    names = Counter(f.name for f in bot.flows)
    for flow in bot.flows:
        if names[flow.name] > 1:
            problems.append(BotProblem(("flow", flow.code), f"flow name {flow.name!r} is taken"))
    for domain in bot.domains:
        for code, count in Counter(i.code for i in domain.intents).items():
            if count > 1:
                problems.append(
                    BotProblem(("domain", domain.name), f"intent {code!r} appears {count} times")
                )
    for group in bot.faq_groups:
        problems += [BotProblem(("faq", group.name), p) for p in group_problems(group)]
        for index, faq in enumerate(group.questions):
            problems += [
                BotProblem(("faq", group.name), f"question {index + 1}: {p}")
                for p in faq_problems(faq)
            ]
    for interface in bot.interfaces:
        problems += [
            BotProblem(("interface", interface.name), p) for p in interface_problems(interface)
        ]
    globals_ = {v.name for v in bot.variables}
    for template in bot.templates:
        for name in placeholders(template.text):
            namespace, _, rest = name.partition(".")
            if (namespace == "GLOBAL" and rest not in globals_) or namespace not in (
                "GLOBAL",
                "FLOW",
                "SYS",
                "IVRREQUEST",
                "TOC",
            ):
                problems.append(
                    BotProblem(("template", template.name), f"unknown variable {name!r}")
                )
    catalogue = bot_catalogue(bot)
    flows = {f.code for f in bot.flows}
    domains = {d.name for d in bot.domains}
    for access in bot.access_codes:
        subject = ("access-code", access.access_code)
        if (problem := access_code_problem(access.access_code)) is not None:
            problems.append(BotProblem(subject, f"{problem}: {access.access_code!r}"))
        if access.flow_code not in flows:
            problems.append(BotProblem(subject, f"no flow with code {access.flow_code!r}"))
        if access.domain is not None and access.domain not in domains:
            problems.append(BotProblem(subject, f"no domain named {access.domain!r}"))
    for flow in bot.flows:
        for p in validate_flow(flow, catalogue):
            problems.append(BotProblem(("flow", flow.code), f"{p.message} [{p.rule}]", p.node))
    return problems


def interface_problems(interface: BusinessInterface) -> list[str]:
    problems = []
    if interface.method.upper() not in ("GET", "POST", "PUT", "DELETE", "PATCH", "TUC"):
        problems.append(f"method {interface.method!r} is not GET, POST, PUT, DELETE, PATCH, TUC")
    if not interface.url.startswith(("http://", "https://", "/")):
        problems.append("'url' must start with http://, https:// or /")
    if not 1 <= interface.timeout <= 60:
        problems.append("'timeout' must be 1-60 seconds")
    for label, name in zip(("input", "output", "header"), interface.duplicates(), strict=True):
        if name is not None:
            problems.append(f"duplicate {label} parameter {name!r}")
    return problems
