"""What a flow or a template refers to by name: global variables, templates, business
interfaces, domains and sub-flows. Deleting or retyping a resource asks these first.

Finding a reference errs on the side of seeing one: ``GLOBAL.x`` written anywhere in a
node (a text, an expression, an assignment target) counts, so a resource a flow may use is
never removed from under it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from oiap.domain.flow_validation import subflow_codes
from oiap.domain.flows import Flow, NodeKind, Template, placeholders

_GLOBAL = re.compile(r"(?<![A-Za-z0-9_.])GLOBAL\.([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class References:
    global_variables: frozenset[str] = frozenset()
    templates: frozenset[str] = frozenset()
    interfaces: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    flows: frozenset[str] = frozenset()  # sub-flows called


def _texts(value: object) -> Iterator[str]:
    """Every string in a JSON value, mapping keys included (assignment targets are keys)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(str(k) for k in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def global_names(text: str) -> set[str]:
    """The GLOBAL variables a text names, as ``${GLOBAL.x}`` or inside an expression."""
    names = set(_GLOBAL.findall(text))
    for name in placeholders(text):
        namespace, _, rest = name.partition(".")
        if namespace == "GLOBAL" and rest:
            names.add(rest)
    return names


def _named(flow: Flow, kind: NodeKind | None, param: str) -> frozenset[str]:
    return frozenset(
        value
        for node in flow.nodes
        if kind is None or node.kind == kind
        if isinstance(value := node.params.get(param), str)
    )


def flow_references(flow: Flow) -> References:
    variables: set[str] = set()
    for node in flow.nodes:
        for text in _texts(node.params):
            variables |= global_names(text)
        for branch in node.branches:
            if branch.when is not None:
                variables |= global_names(branch.when)
    return References(
        global_variables=frozenset(variables),
        templates=_named(flow, None, "template"),
        interfaces=_named(flow, NodeKind.INVOKE, "interface"),
        domains=_named(flow, NodeKind.RECOGNIZE, "domain"),
        flows=frozenset(subflow_codes(flow)),
    )


def template_variables(template: Template) -> set[str]:
    return global_names(template.text)
