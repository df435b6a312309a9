"""Reading a bot folder (layout in docs/bot-format.md) into a ``Bot``, with every problem
reported as file:line."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml

from oiap.adapters.bot_folder.yaml_source import Fields, FileProblem, Source, line_named_by
from oiap.domain.bot_definition import Bot, validate_bot
from oiap.domain.bots import AccessCode, DialogType, DomainSpec, Intent, Language, Slot
from oiap.domain.faq import Faq, FaqGroup
from oiap.domain.flows import (
    Branch,
    BusinessInterface,
    Flow,
    InterfaceParameter,
    Node,
    Scenario,
    Template,
    Variable,
    VariableType,
)

T = TypeVar("T")
LANGUAGES = ", ".join(lang.value for lang in Language)


@dataclass
class _Locations:
    """Where each object (and each flow node) was defined, to place later problems."""

    objects: dict[tuple[str, str], tuple[str, yaml.Node]] = field(default_factory=dict)
    nodes: dict[tuple[str, str], yaml.Node] = field(default_factory=dict)


@dataclass(frozen=True)
class FolderReading:
    bot: Bot | None  # None when the files could not be read into a bot at all
    problems: list[FileProblem]


def read_bot_folder(folder: Path) -> FolderReading:
    """Read and validate a bot folder; ``bot`` is only usable when ``problems`` is empty."""
    if not folder.is_dir():
        return FolderReading(None, [FileProblem(str(folder), 0, "not a folder")])
    reader = _Reader(folder)
    bot = reader.read()
    problems = [p for s in reader.sources for p in s.problems]
    if bot is not None and not problems:
        for p in validate_bot(bot):
            file, where = reader.locations.objects.get(p.subject, ("bot.yaml", None))
            if p.node is not None:
                where = reader.locations.nodes.get((p.subject[1], p.node), where)
            line = line_named_by(where, p.message) if where is not None else 0
            problems.append(FileProblem(file, line, p.message))
    return FolderReading(bot, problems)


class _Reader:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sources: list[Source] = []
        self.locations = _Locations()

    def open(self, relative: str) -> tuple[Source, yaml.Node | None]:
        source = Source(relative)
        self.sources.append(source)
        return source, source.compose(self.folder / relative)

    def files(self, sub: str) -> list[str]:
        directory = self.folder / sub
        if not directory.is_dir():
            return []
        found = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))
        return [f"{sub}/{p.name}" for p in found]

    def locate(self, kind: str, name: str, source: Source, node: yaml.Node) -> None:
        self.locations.objects.setdefault((kind, name), (source.name, node))

    def read(self) -> Bot | None:
        if not (self.folder / "bot.yaml").is_file():
            self.sources.append(Source("bot.yaml", [FileProblem("bot.yaml", 0, "missing")]))
            return None
        source, root = self.open("bot.yaml")
        fields = source.mapping(root, "bot.yaml") if root is not None else None
        if fields is None:
            return None
        fields.only("name", "language", "description")
        name = fields.text("name", required=True)
        language = self.language(source, fields)
        description = fields.text("description")
        return Bot(
            name=name,
            language=language or Language.EN_US,
            description=description,
            domains=tuple(d for f in self.files("domains") if (d := self.domain(f)) is not None),
            faq_groups=tuple(g for f in self.files("faq") if (g := self.faq(f)) is not None),
            flows=tuple(fl for f in self.files("flows") if (fl := self.flow(f)) is not None),
            variables=self.listed("variables.yaml", "variables", self.variable),
            templates=self.listed("templates.yaml", "templates", self.template),
            interfaces=self.listed("interfaces.yaml", "interfaces", self.interface),
            access_codes=self.listed("access-codes.yaml", "access_codes", self.access_code),
        )

    def language(self, source: Source, fields: Fields) -> Language | None:
        text = fields.text("language", default=Language.EN_US.value)
        try:
            return Language(text)
        except ValueError:
            source.problem(fields.node_of("language"), f"language must be one of {LANGUAGES}")
            return None

    # -- one file per object -------------------------------------------------------------

    def domain(self, relative: str) -> DomainSpec | None:
        source, root = self.open(relative)
        fields = source.mapping(root, "a domain file") if root is not None else None
        if fields is None:
            return None
        fields.only("name", "language", "threshold", "active", "intents")
        name = fields.text("name", required=True)
        self.locate("domain", name, source, fields.node)
        intents = []
        for item in fields.items("intents"):
            intent = source.mapping(item, "an intent")
            if intent is None:
                continue
            intent.only("code", "name", "examples", "slots", "reply")
            slots = []
            for slot_node in intent.items("slots"):
                slot = source.mapping(slot_node, "a slot")
                if slot is not None:
                    slots.append(self.slot(source, slot))
            intents.append(
                Intent(
                    code=intent.text("code", required=True),
                    name=intent.text("name", required=True),
                    examples=intent.texts("examples"),
                    slots=tuple(slots),
                    reply=intent.text("reply"),
                )
            )
        threshold = fields.number("threshold", 0.5)
        if not 0 <= threshold <= 1:
            source.problem(fields.node_of("threshold"), "threshold must be from 0 to 1")
        return DomainSpec(
            name=name,
            language=self.language(source, fields) or Language.EN_US,
            threshold=threshold,
            active=fields.flag("active", True),
            intents=tuple(intents),
        )

    def slot(self, source: Source, slot: Fields) -> Slot:
        slot.only("name", "regex", "values")
        name = slot.text("name", required=True)
        regex = slot.text("regex") or None
        values: list[tuple[str, tuple[str, ...]]] = []
        node = slot.node_of("values")
        if node is not None:
            table = source.mapping(node, "slot values")
            for canonical in table.entries if table else {}:
                assert table is not None
                values.append((canonical, table.texts(canonical)))
        if (regex is None) == (not values):
            source.problem(slot.node, "a slot has either 'regex' or 'values'")
        if regex is not None:
            try:
                re.compile(regex)
            except re.error as exc:
                source.problem(slot.node_of("regex"), f"regex does not compile: {exc}")
        return Slot(name=name, regex=regex, values=tuple(values))

    def faq(self, relative: str) -> FaqGroup | None:
        source, root = self.open(relative)
        fields = source.mapping(root, "a Q&A file") if root is not None else None
        if fields is None:
            return None
        fields.only("group", "language", "description", "active", "questions")
        name = fields.text("group", required=True)
        self.locate("faq", name, source, fields.node)
        questions = []
        for item in fields.items("questions"):
            qa = source.mapping(item, "a question")
            if qa is None:
                continue
            qa.only("question", "similar", "keywords", "answer", "similar_answers")
            questions.append(
                Faq(
                    question=qa.text("question", required=True),
                    answer=qa.text("answer", required=True),
                    similar=qa.texts("similar"),
                    keywords=qa.texts("keywords"),
                    similar_answers=qa.texts("similar_answers"),
                )
            )
        return FaqGroup(
            name=name,
            language=fields.text("language", default="en_US"),
            description=fields.text("description"),
            active=fields.flag("active", True),
            questions=tuple(questions),
        )

    def flow(self, relative: str) -> Flow | None:
        source, root = self.open(relative)
        fields = source.mapping(root, "a flow file") if root is not None else None
        if fields is None:
            return None
        fields.only("code", "name", "scenario", "description", "variables", "nodes")
        code = fields.text("code", required=True)
        self.locate("flow", code, source, fields.node)
        scenario_text = fields.text("scenario", default=Scenario.MAIN.value)
        try:
            scenario = Scenario(scenario_text)
        except ValueError:
            kinds = ", ".join(s.value for s in Scenario)
            source.problem(fields.node_of("scenario"), f"scenario must be one of {kinds}")
            scenario = Scenario.MAIN
        variables = []
        for item in fields.items("variables"):
            variable = self.variable(source, item)
            if variable is not None:
                variables.append(variable)
        nodes = []
        for item in fields.items("nodes"):
            node = self.node(source, item)
            if node is not None:
                self.locations.nodes.setdefault((code, node.id), item)
                nodes.append(node)
        return Flow(
            code=code,
            name=fields.text("name", required=True),
            scenario=scenario,
            description=fields.text("description"),
            variables=tuple(variables),
            nodes=tuple(nodes),
        )

    def node(self, source: Source, item: yaml.Node) -> Node | None:
        fields = source.mapping(item, "a node")
        if fields is None:
            return None
        fields.only("id", "kind", "name", "params", "branches")
        params = fields.plain("params", {})
        if not isinstance(params, dict):
            source.problem(fields.node_of("params"), "'params' must be a mapping")
            params = {}
        branches = []
        for branch_node in fields.items("branches"):
            branch = source.mapping(branch_node, "a branch")
            if branch is None:
                continue
            branch.only("to", "on", "key", "intent", "when")
            branches.append(
                Branch(
                    to=branch.text("to", required=True),
                    on=branch.text("on") or None,
                    key=branch.text("key") or None,
                    intent=branch.text("intent") or None,
                    when=branch.text("when") or None,
                )
            )
        return Node(
            id=fields.text("id", required=True),
            kind=fields.text("kind", required=True),
            name=fields.text("name"),
            params=params,
            branches=tuple(branches),
        )

    # -- files holding a list ------------------------------------------------------------

    def listed(
        self, relative: str, key: str, read_one: Callable[[Source, yaml.Node], T | None]
    ) -> tuple[T, ...]:
        if not (self.folder / relative).is_file():
            return ()
        source, root = self.open(relative)
        fields = source.mapping(root, relative) if root is not None else None
        if fields is None:
            return ()
        fields.only(key)
        result = []
        for item in fields.items(key):
            value = read_one(source, item)
            if value is not None:
                result.append(value)
        return tuple(result)

    def variable(self, source: Source, item: yaml.Node) -> Variable | None:
        fields = source.mapping(item, "a variable")
        if fields is None:
            return None
        fields.only("name", "type", "default", "description")
        name = fields.text("name", required=True)
        self.locate("variable", name, source, item)
        type_text = fields.text("type", default=VariableType.STRING.value)
        try:
            kind = VariableType(type_text)
        except ValueError:
            kinds = ", ".join(t.value for t in VariableType)
            source.problem(fields.node_of("type"), f"type must be one of {kinds}")
            return None
        return Variable(
            name=name,
            type=kind,
            default=fields.plain("default"),
            description=fields.text("description"),
        )

    def template(self, source: Source, item: yaml.Node) -> Template | None:
        fields = source.mapping(item, "a template")
        if fields is None:
            return None
        fields.only("name", "text", "description")
        name = fields.text("name", required=True)
        self.locate("template", name, source, item)
        return Template(
            name=name,
            text=fields.text("text", required=True),
            description=fields.text("description"),
        )

    def interface(self, source: Source, item: yaml.Node) -> BusinessInterface | None:
        fields = source.mapping(item, "an interface")
        if fields is None:
            return None
        fields.only(
            "name", "method", "url", "timeout", "inputs", "outputs", "headers", "description"
        )
        name = fields.text("name", required=True)
        self.locate("interface", name, source, item)

        def parameters(key: str, value_key: str) -> tuple[InterfaceParameter, ...]:
            result = []
            for param_node in fields.items(key):
                param = source.mapping(param_node, "a parameter")
                if param is None:
                    continue
                param.only("name", value_key, "description")
                result.append(
                    InterfaceParameter(
                        name=param.text("name", required=True),
                        value=param.text(value_key),
                        description=param.text("description"),
                    )
                )
            return tuple(result)

        return BusinessInterface(
            name=name,
            method=fields.text("method", default="POST"),
            url=fields.text("url", required=True),
            timeout=int(fields.number("timeout", 5, whole=True)),
            inputs=parameters("inputs", "value"),
            outputs=parameters("outputs", "path"),
            headers=parameters("headers", "value"),
            description=fields.text("description"),
        )

    def access_code(self, source: Source, item: yaml.Node) -> AccessCode | None:
        fields = source.mapping(item, "an access code")
        if fields is None:
            return None
        fields.only("code", "dialog_type", "flow", "domain", "robot_name", "description")
        code = fields.text("code", required=True)
        self.locate("access-code", code, source, item)
        dialog_type = int(fields.number("dialog_type", 1, whole=True))
        if dialog_type not in {t.value for t in DialogType}:
            source.problem(fields.node_of("dialog_type"), "dialog_type must be 1, 2, 3 or 4")
            return None
        return AccessCode(
            access_code=code,
            dialog_type=DialogType(dialog_type),
            flow_code=fields.text("flow", required=True),
            domain=fields.text("domain") or None,
            robot_name=fields.text("robot_name"),
            description=fields.text("description"),
        )
