"""The checks a flow must pass before it is published; every problem is listed, not just the
first, so an author can fix a flow in one go."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from oiap.domain.flows import (
    DEFAULT_BRANCH,
    MAX_TEXT,
    PRESET_CONDITIONS,
    BusinessInterface,
    Flow,
    Node,
    NodeKind,
    ReplyMode,
    placeholders,
)
from oiap.engine.expressions import ExpressionError, parse, variables

SYS_VARIABLES = frozenset(
    {
        "systemDate",
        "systemMonth",
        "systemTime",
        "currentTime",
        "timeStamp",
        "createTime",
        "callingNumber",
        "calledNumber",
        "realCalledNumber",
        "callId",
        "cti_callid",
        "tenantId",
        "language",
        "callMediaType",
    }
)
IVRREQUEST_VARIABLES = frozenset(
    {
        "call_id",
        "cti_callid",
        "input",
        "inter_idx",
        "begin_play",
        "end_play",
        "IACmd",
        "TextSource",
        "transin_data",
        "feedback",
        "feedbackContent",
        "channelType",
        "emailTitle",
        "ieValue",
    }
)
TRANS_TYPES = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 31, 32, 33, 34})
TRANS_TYPES_WITHOUT_ROUTE = frozenset({7, 9, 31})
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MENU_KEYS = frozenset("0123456789*#")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_ZONE = re.compile(r"^(UTC|[A-Za-z_]+(/[A-Za-z0-9_+\-]+)+)$")
TERMINAL_KINDS = frozenset({NodeKind.END, NodeKind.TRANSFER, NodeKind.SUBFLOW})


class Rule:
    """Names of the publish checks, as they appear in error lists and docs."""

    DUPLICATE_NODE = "duplicate-node"
    START = "start-node"
    UNKNOWN_KIND = "unknown-kind"
    BAD_PARAMETER = "bad-parameter"
    UNKNOWN_TARGET = "unknown-target"
    BAD_BRANCH = "bad-branch"
    UNREACHABLE = "unreachable-node"
    NO_END = "no-path-to-end"
    DTMF_TO_END = "dtmf-to-end"
    TEXT_TOO_LONG = "text-too-long"
    BAD_EXPRESSION = "bad-expression"
    UNKNOWN_VARIABLE = "unknown-variable"
    UNKNOWN_TEMPLATE = "unknown-template"
    UNKNOWN_INTERFACE = "unknown-interface"
    UNKNOWN_DOMAIN = "unknown-domain"
    UNKNOWN_INTENT = "unknown-intent"
    UNKNOWN_FLOW = "unknown-flow"
    UNKNOWN_FAQ_GROUP = "unknown-faq-group"
    SUBFLOW_CYCLE = "subflow-cycle"


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str
    node: str | None = None
    branch: int | None = None  # index into the node's branches, for a problem on an edge
    field: str | None = None  # the parameter (or branch field) the problem is about

    def __str__(self) -> str:
        where = f"node {self.node!r}: " if self.node else ""
        return f"{where}{self.message} [{self.rule}]"


@dataclass(frozen=True)
class Catalogue:
    """What a flow may refer to in its tenant."""

    global_variables: frozenset[str] = frozenset()
    templates: frozenset[str] = frozenset()
    interfaces: Mapping[str, BusinessInterface] = field(default_factory=dict)
    domains: Mapping[str, frozenset[str]] = field(default_factory=dict)  # name -> intents
    faq_groups: frozenset[str] = frozenset()
    subflows: Mapping[str, frozenset[str]] = field(default_factory=dict)  # code -> callees


@dataclass(frozen=True)
class _KindSpec:
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    outcomes: frozenset[str] = frozenset()
    prompt: bool = False  # takes text / template / audio


_PROMPT = frozenset({"text", "template", "audio"})
_SPECS: dict[NodeKind, _KindSpec] = {
    NodeKind.START: _KindSpec(),
    NodeKind.REPLY: _KindSpec(optional=frozenset({"mode", "timeout"}), prompt=True),
    NodeKind.PLAYBACK: _KindSpec(outcomes=frozenset({"failure"}), prompt=True),
    NodeKind.COLLECT: _KindSpec(
        required=frozenset({"variable"}),
        optional=frozenset({"max_digits", "timeout", "terminator"}),
        prompt=True,
    ),
    NodeKind.MENU: _KindSpec(
        optional=frozenset({"timeout", "max_failures", "error_text", "timeout_text"}),
        outcomes=frozenset({"failure"}),
        prompt=True,
    ),
    NodeKind.RECOGNIZE: _KindSpec(
        required=frozenset({"domain"}), optional=frozenset({"threshold", "input"})
    ),
    NodeKind.JUDGE: _KindSpec(),
    NodeKind.ASSIGN: _KindSpec(required=frozenset({"assignments"})),
    NodeKind.INVOKE: _KindSpec(
        required=frozenset({"interface"}), optional=frozenset({"inputs", "outputs"})
    ),
    NodeKind.TRANSFER: _KindSpec(
        required=frozenset({"trans_type"}),
        optional=frozenset({"route", "data"}),
        outcomes=frozenset({"failure"}),
    ),
    NodeKind.SUBFLOW: _KindSpec(required=frozenset({"flow"}), optional=frozenset({"node"})),
    NodeKind.QUERY: _KindSpec(
        required=frozenset({"prompt_type"}), optional=frozenset({"skill_id", "outputs"})
    ),
    NodeKind.CLEAR_ERRORS: _KindSpec(),
    NodeKind.TIME: _KindSpec(
        required=frozenset({"timezone", "periods"}), outcomes=frozenset({"open", "closed"})
    ),
    NodeKind.QA: _KindSpec(
        optional=frozenset({"groups", "input"}), outcomes=frozenset({"found", "notfound"})
    ),
    NodeKind.END: _KindSpec(optional=frozenset({"reason"})),
}


def validate_flow(flow: Flow, catalogue: Catalogue) -> list[Problem]:
    """Every problem that keeps ``flow`` from being published; empty when it may be."""
    checker = _Checker(flow, catalogue)
    checker.run()
    return checker.problems


class _Checker:
    def __init__(self, flow: Flow, catalogue: Catalogue) -> None:
        self.flow = flow
        self.catalogue = catalogue
        self.problems: list[Problem] = []
        self.flow_variables = {v.name for v in flow.variables}
        self.nodes: dict[str, Node] = {}

    def add(
        self,
        rule: str,
        message: str,
        node: Node | None = None,
        *,
        branch: int | None = None,
        field: str | None = None,
    ) -> None:
        self.problems.append(Problem(rule, message, node.id if node else None, branch, field))

    def run(self) -> None:
        for node in self.flow.nodes:
            if node.id in self.nodes:
                self.add(Rule.DUPLICATE_NODE, f"node id {node.id!r} is used twice", node)
            self.nodes.setdefault(node.id, node)
        starts = [n for n in self.flow.nodes if n.kind == NodeKind.START]
        if len(starts) != 1:
            self.add(Rule.START, f"a flow has exactly one start node, found {len(starts)}")
        for node in self.flow.nodes:
            self.check_node(node)
        if len(starts) == 1:
            self.check_graph(starts[0])
        self.check_subflow_cycle()

    # -- one node ------------------------------------------------------------------------

    def check_node(self, node: Node) -> None:
        try:
            kind = NodeKind(node.kind)
        except ValueError:
            known = ", ".join(k.value for k in NodeKind)
            self.add(Rule.UNKNOWN_KIND, f"unknown kind {node.kind!r} (one of {known})", node)
            return
        spec = _SPECS[kind]
        allowed = spec.required | spec.optional | (_PROMPT if spec.prompt else frozenset())
        for name in sorted(set(node.params) - allowed):
            self.add(
                Rule.BAD_PARAMETER,
                f"{kind.value} node has no parameter {name!r}",
                node,
                field=name,
            )
        for name in sorted(spec.required - set(node.params)):
            self.add(
                Rule.BAD_PARAMETER,
                f"{kind.value} node needs parameter {name!r}",
                node,
                field=name,
            )
        if spec.prompt:
            self.check_prompt(node, kind)
        for path, text in _strings(node.params):
            self.check_text(node, path, text)
        getattr(self, f"check_{kind.value}", _nothing)(node)
        self.check_branches(node, kind, spec)

    def check_prompt(self, node: Node, kind: NodeKind) -> None:
        given = [p for p in ("text", "template", "audio") if p in node.params]
        if not given and kind is not NodeKind.COLLECT:
            self.add(
                Rule.BAD_PARAMETER, "needs one of 'text', 'template' or 'audio'", node, field="text"
            )
        if len(given) > 1:
            self.add(
                Rule.BAD_PARAMETER, f"give only one of {', '.join(given)}", node, field=given[-1]
            )
        template = node.params.get("template")
        if template is not None and template not in self.catalogue.templates:
            self.add(
                Rule.UNKNOWN_TEMPLATE, f"no template named {template!r}", node, field="template"
            )

    def check_text(self, node: Node, path: str, text: str) -> None:
        field = re.split(r"[.\[]", path, maxsplit=1)[0] or None
        if len(text) > MAX_TEXT:
            self.add(
                Rule.TEXT_TOO_LONG,
                f"'{path}' is {len(text)} characters, more than {MAX_TEXT}",
                node,
                field=field,
            )
        for name in placeholders(text):
            self.check_variable(node, name, f"'{path}'", field=field)

    def check_variable(
        self,
        node: Node | None,
        name: str,
        where: str,
        *,
        branch: int | None = None,
        field: str | None = None,
    ) -> None:
        namespace, _, rest = name.partition(".")
        known = {
            "FLOW": rest in self.flow_variables,
            "GLOBAL": rest in self.catalogue.global_variables,
            "SYS": rest in SYS_VARIABLES,
            "IVRREQUEST": rest in IVRREQUEST_VARIABLES,
            "TOC": bool(rest),  # recognition results: named by the intent's slots
        }.get(namespace, False)
        if not known:
            self.add(
                Rule.UNKNOWN_VARIABLE,
                f"{where} refers to unknown variable {name!r}",
                node,
                branch=branch,
                field=field,
            )

    def check_target_variable(self, node: Node, name: object, where: str, field: str) -> None:
        if name == "SYS.language":  # multi-language flows switch it (spec §11.5)
            return
        if not isinstance(name, str) or not name.startswith(("FLOW.", "GLOBAL.")):
            self.add(
                Rule.BAD_PARAMETER,
                f"{where} must name a FLOW. or GLOBAL. variable",
                node,
                field=field,
            )
            return
        self.check_variable(node, name, where, field=field)

    def check_expression(
        self,
        node: Node,
        text: object,
        where: str,
        *,
        branch: int | None = None,
        field: str | None = None,
    ) -> None:
        at: dict[str, Any] = {"branch": branch, "field": field}
        if not isinstance(text, str):
            self.add(Rule.BAD_EXPRESSION, f"{where} must be an expression string", node, **at)
            return
        try:
            expr = parse(text)
        except ExpressionError as exc:
            # A hostile expression is kilobytes long: quote only its start.
            shown = text if len(text) <= 80 else text[:77] + "..."
            self.add(Rule.BAD_EXPRESSION, f"{where} {shown!r} does not parse: {exc}", node, **at)
            return
        for name in sorted(variables(expr)):
            self.check_variable(node, name, where, **at)

    def int_param(self, node: Node, name: str, low: int, high: int) -> int | None:
        value = node.params.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(
                Rule.BAD_PARAMETER,
                f"'{name}' must be a whole number {low}-{high}",
                node,
                field=name,
            )
            return None
        return int(value)

    # -- kinds ---------------------------------------------------------------------------

    def check_reply(self, node: Node) -> None:
        mode = node.params.get("mode", ReplyMode.ASR.value)
        if mode not in {m.value for m in ReplyMode}:
            modes = ", ".join(m.value for m in ReplyMode)
            self.add(
                Rule.BAD_PARAMETER, f"'mode' {mode!r} is not one of {modes}", node, field="mode"
            )
        self.int_param(node, "timeout", 1, 180)

    def check_collect(self, node: Node) -> None:
        self.int_param(node, "max_digits", 1, 32)
        self.int_param(node, "timeout", 1, 180)
        if node.params.get("terminator", "#") not in ("#", "*", ""):
            self.add(
                Rule.BAD_PARAMETER, "'terminator' must be '#', '*' or ''", node, field="terminator"
            )
        self.check_target_variable(node, node.params.get("variable"), "'variable'", "variable")

    def check_menu(self, node: Node) -> None:
        self.int_param(node, "timeout", 1, 180)
        self.int_param(node, "max_failures", 1, 9)

    def check_recognize(self, node: Node) -> None:
        domain = node.params.get("domain")
        intents = self.catalogue.domains.get(domain) if isinstance(domain, str) else None
        if "domain" in node.params and intents is None:
            self.add(Rule.UNKNOWN_DOMAIN, f"no domain named {domain!r}", node, field="domain")
        threshold = node.params.get("threshold")
        if threshold is not None and (
            isinstance(threshold, bool)
            or not isinstance(threshold, int | float)
            or not 0 <= threshold <= 1
        ):
            self.add(
                Rule.BAD_PARAMETER,
                "'threshold' must be a number from 0 to 1",
                node,
                field="threshold",
            )
        if "input" in node.params:
            self.check_variable(node, str(node.params["input"]), "'input'", field="input")
        for index, branch in enumerate(node.branches):
            if branch.intent is not None and intents is not None and branch.intent not in intents:
                self.add(
                    Rule.UNKNOWN_INTENT,
                    f"domain {domain!r} has no intent {branch.intent!r}",
                    node,
                    branch=index,
                    field="intent",
                )

    def check_assign(self, node: Node) -> None:
        assignments = node.params.get("assignments")
        if not isinstance(assignments, dict) or not assignments:
            self.add(
                Rule.BAD_PARAMETER,
                "'assignments' maps variables to expressions",
                node,
                field="assignments",
            )
            return
        for target, expression in assignments.items():
            where = f"assignment target {target!r}"
            self.check_target_variable(node, target, where, "assignments")
            self.check_expression(
                node, expression, f"assignment to {target!r}", field="assignments"
            )

    def check_invoke(self, node: Node) -> None:
        name = node.params.get("interface")
        interface = self.catalogue.interfaces.get(name) if isinstance(name, str) else None
        if "interface" in node.params and interface is None:
            self.add(
                Rule.UNKNOWN_INTERFACE,
                f"no business interface named {name!r}",
                node,
                field="interface",
            )
        for section in ("inputs", "outputs"):
            values = node.params.get(section, {})
            if not isinstance(values, dict):
                self.add(
                    Rule.BAD_PARAMETER,
                    f"'{section}' maps parameter names to values",
                    node,
                    field=section,
                )
                continue
            declared = (
                {p.name for p in (interface.inputs if section == "inputs" else interface.outputs)}
                if interface
                else set(values)
            )
            for param, value in values.items():
                if param not in declared:
                    self.add(
                        Rule.BAD_PARAMETER,
                        f"interface {name!r} has no {section[:-1]} parameter {param!r}",
                        node,
                        field=section,
                    )
                if section == "outputs":
                    self.check_target_variable(node, value, f"output {param!r}", section)

    def check_transfer(self, node: Node) -> None:
        trans_type = node.params.get("trans_type")
        if trans_type not in TRANS_TYPES or isinstance(trans_type, bool):
            types = ", ".join(str(t) for t in sorted(TRANS_TYPES))
            self.add(
                Rule.BAD_PARAMETER,
                f"'trans_type' must be one of {types}",
                node,
                field="trans_type",
            )
        elif trans_type not in TRANS_TYPES_WITHOUT_ROUTE and not node.params.get("route"):
            self.add(
                Rule.BAD_PARAMETER,
                f"transfer type {trans_type} needs a 'route'",
                node,
                field="route",
            )

    def check_subflow(self, node: Node) -> None:
        code = node.params.get("flow")
        if "flow" in node.params and (
            not isinstance(code, str)
            or (code not in self.catalogue.subflows and code != self.flow.code)
        ):
            self.add(Rule.UNKNOWN_FLOW, f"no flow with code {code!r}", node, field="flow")
        if code == self.flow.code:
            self.add(
                Rule.SUBFLOW_CYCLE, "a flow cannot call itself as a sub-flow", node, field="flow"
            )

    def check_query(self, node: Node) -> None:
        prompt_type = str(node.params.get("prompt_type", ""))
        if prompt_type not in ("1", "2", "3", "5"):
            self.add(
                Rule.BAD_PARAMETER, "'prompt_type' must be 1, 2, 3 or 5", node, field="prompt_type"
            )
        if prompt_type == "2" and not node.params.get("skill_id"):
            self.add(
                Rule.BAD_PARAMETER, "'prompt_type' 2 needs a 'skill_id'", node, field="skill_id"
            )

    def check_time(self, node: Node) -> None:
        zone = node.params.get("timezone")
        if "timezone" in node.params and (not isinstance(zone, str) or not _ZONE.match(zone)):
            self.add(
                Rule.BAD_PARAMETER,
                "'timezone' must be an IANA zone like Europe/Paris",
                node,
                field="timezone",
            )
        periods = node.params.get("periods")
        if "periods" not in node.params:
            return
        if not isinstance(periods, list) or not periods:
            self.add(
                Rule.BAD_PARAMETER, "'periods' is a list of {days, from, to}", node, field="periods"
            )
            return
        for index, period in enumerate(periods):
            if not isinstance(period, dict):
                self.add(
                    Rule.BAD_PARAMETER,
                    f"period {index + 1} must be a mapping",
                    node,
                    field="periods",
                )
                continue
            days = period.get("days")
            if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days):
                self.add(
                    Rule.BAD_PARAMETER,
                    f"period {index + 1}: 'days' lists {', '.join(WEEKDAYS)}",
                    node,
                    field="periods",
                )
            start, end = period.get("from"), period.get("to")
            # "24:00" ends a period at midnight: with "23:59" the day's last minute is closed.
            valid_end = isinstance(end, str) and (end == "24:00" or _CLOCK.match(end))
            if not (isinstance(start, str) and _CLOCK.match(start) and valid_end):
                self.add(
                    Rule.BAD_PARAMETER,
                    f"period {index + 1}: 'from'/'to' are HH:MM ('to' may be 24:00)",
                    node,
                    field="periods",
                )
            elif str(start) >= str(end):
                self.add(
                    Rule.BAD_PARAMETER,
                    f"period {index + 1}: 'from' must be before 'to'",
                    node,
                    field="periods",
                )

    def check_qa(self, node: Node) -> None:
        groups = node.params.get("groups", [])
        if not isinstance(groups, list):
            self.add(
                Rule.BAD_PARAMETER, "'groups' is a list of Q&A group names", node, field="groups"
            )
            return
        for group in groups:
            if group not in self.catalogue.faq_groups:
                self.add(
                    Rule.UNKNOWN_FAQ_GROUP, f"no Q&A group named {group!r}", node, field="groups"
                )

    # -- branches and the graph ----------------------------------------------------------

    def check_branches(self, node: Node, kind: NodeKind, spec: _KindSpec) -> None:
        if kind in (NodeKind.END, NodeKind.SUBFLOW) and node.branches:
            self.add(Rule.BAD_BRANCH, f"nothing may follow a {kind.value} node", node)
        defaults: list[int] = []
        for index, branch in enumerate(node.branches):
            if branch.to not in self.nodes and self.flow.node(branch.to) is None:
                self.add(
                    Rule.UNKNOWN_TARGET,
                    f"branch goes to unknown node {branch.to!r}",
                    node,
                    branch=index,
                    field="to",
                )
            qualifiers = [q for q in (branch.on, branch.key, branch.intent, branch.when) if q]
            if len(qualifiers) > 1:
                self.add(
                    Rule.BAD_BRANCH, "a branch has one of on/key/intent/when", node, branch=index
                )
            if branch.label == DEFAULT_BRANCH or branch.on == DEFAULT_BRANCH:
                defaults.append(index)
            if branch.on is not None and branch.on not in {DEFAULT_BRANCH} | (
                PRESET_CONDITIONS | spec.outcomes
            ):
                self.add(
                    Rule.BAD_BRANCH,
                    f"unknown branch condition {branch.on!r}",
                    node,
                    branch=index,
                    field="on",
                )
            if branch.key is not None and (
                kind is not NodeKind.MENU or branch.key not in MENU_KEYS
            ):
                self.add(
                    Rule.BAD_BRANCH,
                    f"key {branch.key!r} needs a menu node, keys 0-9*#",
                    node,
                    branch=index,
                    field="key",
                )
            if branch.intent is not None and kind is not NodeKind.RECOGNIZE:
                self.add(
                    Rule.BAD_BRANCH,
                    "intent branches belong to recognize nodes",
                    node,
                    branch=index,
                    field="intent",
                )
            if branch.when is not None:
                self.check_expression(
                    node, branch.when, "branch condition", branch=index, field="when"
                )
        if len(defaults) > 1:
            self.add(Rule.BAD_BRANCH, "more than one default branch", node, branch=defaults[1])

    def targets(self, node: Node) -> Iterator[Node]:
        for branch in node.branches:
            target = self.nodes.get(branch.to)
            if target is not None:
                yield target

    def check_graph(self, start: Node) -> None:
        reachable = _closure([start.id], lambda nid: (t.id for t in self.targets(self.nodes[nid])))
        for node in self.flow.nodes:
            if node.id not in reachable:
                self.add(Rule.UNREACHABLE, "no path from the start node leads here", node)
        incoming: dict[str, set[str]] = {nid: set() for nid in self.nodes}
        for node in self.nodes.values():
            for target in self.targets(node):
                incoming[target.id].add(node.id)
        ending = [n.id for n in self.nodes.values() if n.kind in TERMINAL_KINDS]
        can_end = _closure(ending, lambda nid: iter(incoming[nid]))
        for node in self.flow.nodes:
            if node.id in reachable and node.id not in can_end:
                self.add(Rule.NO_END, "no path from here reaches a call-ending node", node)
            if _collects_input(node) and any(t.kind == NodeKind.END for t in self.targets(node)):
                self.add(
                    Rule.DTMF_TO_END,
                    "a node that collects keys or speech must not lead straight to call ending",
                    node,
                )

    def check_subflow_cycle(self) -> None:
        callees = dict(self.catalogue.subflows)
        callees[self.flow.code] = frozenset(subflow_codes(self.flow))
        seen: set[str] = set()
        stack: list[tuple[str, tuple[str, ...]]] = [
            (c, (self.flow.code, c)) for c in callees[self.flow.code] if c != self.flow.code
        ]
        while stack:
            code, path = stack.pop()
            if code == self.flow.code:
                self.add(Rule.SUBFLOW_CYCLE, "sub-flow cycle: " + " -> ".join(path))
                return
            if code in seen:
                continue
            seen.add(code)
            stack.extend((c, (*path, c)) for c in callees.get(code, frozenset()))


def _nothing(_node: Node) -> None:
    return None


def _collects_input(node: Node) -> bool:
    if node.kind in (NodeKind.COLLECT, NodeKind.MENU, NodeKind.RECOGNIZE):
        return True
    if node.kind == NodeKind.REPLY:
        mode = node.params.get("mode", ReplyMode.ASR.value)
        return mode in {m.value for m in ReplyMode} and ReplyMode(mode).collects_dtmf
    return False


def _closure(seeds: list[str], step: Any) -> set[str]:
    seen = set(seeds)
    queue = list(seeds)
    while queue:
        for nxt in step(queue.pop()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    # A stack, not recursion: node parameters are tenant data and may nest arbitrarily deep.
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            children = [(v, f"{where}.{k}" if where else str(k)) for k, v in item.items()]
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([(v, f"{where}[{i}]") for i, v in enumerate(item)]))


def subflow_codes(flow: Flow) -> set[str]:
    return {
        str(n.params["flow"])
        for n in flow.nodes
        if n.kind == NodeKind.SUBFLOW and "flow" in n.params
    }
