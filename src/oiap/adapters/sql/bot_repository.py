"""Bot configuration over one SQLAlchemy session; every query is scoped to one tenant."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from oiap.adapters.sql.bot_tables import (
    AccessCodeRow,
    BotRow,
    FaqGroupRow,
    FaqRow,
    FlowRow,
    FlowVersionRow,
    IntentRow,
    InterfaceRow,
    TemplateRow,
    VariableRow,
)
from oiap.adapters.sql.models import DomainRow, utcnow
from oiap.domain.bots import AccessCode, DialogType, Domain, DomainSpec, Intent, Language, Slot
from oiap.domain.faq import Faq, FaqGroup
from oiap.domain.flow_versions import GrayRule, VersionRouting
from oiap.domain.flows import (
    BusinessInterface,
    Flow,
    InterfaceParameter,
    Template,
    Variable,
    VariableType,
    canonical_json,
    flow_from_data,
)
from oiap.services.bot_ports import (
    BotHeader,
    FlowVersion,
    StoredAccessCode,
    StoredFaq,
    StoredFaqGroup,
    StoredFlow,
)


def _slot_data(slot: Slot) -> dict[str, Any]:
    return {
        "name": slot.name,
        "regex": slot.regex,
        "values": [[k, list(v)] for k, v in slot.values],
    }


def _slot(data: dict[str, Any]) -> Slot:
    values = tuple((k, tuple(v)) for k, v in data.get("values", []))
    return Slot(name=data["name"], regex=data.get("regex"), values=values)


def _params(items: list[dict[str, str]]) -> tuple[InterfaceParameter, ...]:
    return tuple(InterfaceParameter(**item) for item in items)


def _interface_data(i: BusinessInterface) -> dict[str, Any]:
    def params(items: tuple[InterfaceParameter, ...]) -> list[dict[str, str]]:
        return [{"name": p.name, "value": p.value, "description": p.description} for p in items]

    return {
        "method": i.method,
        "url": i.url,
        "timeout": i.timeout,
        "inputs": params(i.inputs),
        "outputs": params(i.outputs),
        "headers": params(i.headers),
        "description": i.description,
    }


def _access(row: AccessCodeRow) -> StoredAccessCode:
    return StoredAccessCode(
        access_id=row.access_id,
        tenant_id=row.tenant_id,
        binding=AccessCode(
            access_code=row.access_code,
            dialog_type=DialogType(row.dialog_type),
            flow_code=row.flow_code,
            domain=row.domain_name,
            robot_name=row.robot_name,
            description=row.description,
            source=row.source,
            using_record_service=row.using_record_service,
        ),
    )


def _version(row: FlowVersionRow) -> FlowVersion:
    gray = None
    if row.gray_numbers is not None or row.gray_prefixes is not None:
        gray = GrayRule(tuple(row.gray_numbers or ()), tuple(row.gray_prefixes or ()))
    return FlowVersion(
        row.number,
        row.definition,
        row.is_default,
        gray,
        row.published_at,
        row.resources,
        published_by=row.published_by,
        note=row.note,
    )


def _group(row: FaqGroupRow, amount: int) -> StoredFaqGroup:
    group = FaqGroup(row.name, row.language, row.description, row.active)
    return StoredFaqGroup(row.group_id, row.tenant_id, group, amount, row.updated_at)


def _faq(row: FaqRow) -> StoredFaq:
    faq = Faq(
        row.question,
        row.answer,
        tuple(row.similar),
        tuple(row.keywords),
        tuple(row.similar_answers),
    )
    return StoredFaq(row.faq_id, row.group_id, faq)


class SqlBots:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_bot(self, tenant_id: str) -> BotHeader | None:
        row = await self._session.get(BotRow, tenant_id)
        return BotHeader(row.name, Language(row.language), row.description) if row else None

    async def put_bot(self, tenant_id: str, header: BotHeader) -> None:
        row = await self._session.get(BotRow, tenant_id)
        if row is None:
            row = BotRow(tenant_id=tenant_id)
            self._session.add(row)
        row.name, row.language, row.description = (
            header.name,
            header.language.value,
            header.description,
        )
        await self._session.flush()

    # -- domains -------------------------------------------------------------------------

    async def list_domain_specs(self, tenant_id: str) -> list[tuple[Domain, DomainSpec]]:
        rows = list(
            await self._session.scalars(
                select(DomainRow).where(DomainRow.tenant_id == tenant_id).order_by(DomainRow.name)
            )
        )
        ids = [r.domain_id for r in rows]
        intents: dict[int, list[Intent]] = {i: [] for i in ids}
        if ids:
            for intent in await self._session.scalars(
                select(IntentRow)
                .where(IntentRow.domain_id.in_(ids))
                .order_by(IntentRow.domain_id, IntentRow.position)
            ):
                intents[intent.domain_id].append(
                    Intent(
                        code=intent.code,
                        name=intent.name,
                        examples=tuple(intent.examples),
                        slots=tuple(_slot(s) for s in intent.slots),
                        reply=intent.reply,
                    )
                )
        result = []
        for r in rows:
            language = Language(r.language)
            domain = Domain(r.tenant_id, r.name, language, r.threshold, r.active, r.domain_id)
            spec = DomainSpec(r.name, language, r.threshold, r.active, tuple(intents[r.domain_id]))
            result.append((domain, spec))
        return result

    async def save_domain(
        self, tenant_id: str, spec: DomainSpec, domain_id: int | None = None
    ) -> Domain:
        if domain_id is None:
            row = await self._session.scalar(
                select(DomainRow).where(
                    DomainRow.tenant_id == tenant_id, DomainRow.name == spec.name
                )
            )
        else:
            row = await self._session.scalar(
                select(DomainRow).where(
                    DomainRow.tenant_id == tenant_id, DomainRow.domain_id == domain_id
                )
            )
            if row is None:
                raise LookupError(domain_id)
        if row is None:
            row = DomainRow(tenant_id=tenant_id)
            self._session.add(row)
        row.name, row.language, row.threshold, row.active = (
            spec.name,
            spec.language.value,
            spec.threshold,
            spec.active,
        )
        await self._session.flush()
        await self._session.execute(delete(IntentRow).where(IntentRow.domain_id == row.domain_id))
        for position, intent in enumerate(spec.intents):
            self._session.add(
                IntentRow(
                    domain_id=row.domain_id,
                    position=position,
                    code=intent.code,
                    name=intent.name,
                    examples=list(intent.examples),
                    slots=[_slot_data(s) for s in intent.slots],
                    reply=intent.reply,
                )
            )
        await self._session.flush()
        return Domain(tenant_id, row.name, spec.language, row.threshold, row.active, row.domain_id)

    async def delete_domain(self, tenant_id: str, domain_id: int) -> bool:
        result = await self._session.execute(
            delete(DomainRow).where(
                DomainRow.tenant_id == tenant_id, DomainRow.domain_id == domain_id
            )
        )
        return bool(getattr(result, "rowcount", 0))

    # -- access codes --------------------------------------------------------------------

    async def list_access_codes(
        self, tenant_id: str, *, access_code: str | None = None
    ) -> list[StoredAccessCode]:
        query = select(AccessCodeRow).where(AccessCodeRow.tenant_id == tenant_id)
        if access_code is not None:
            query = query.where(AccessCodeRow.access_code == access_code)
        rows = await self._session.scalars(query.order_by(AccessCodeRow.access_id))
        return [_access(r) for r in rows]

    async def list_access_code_tenants(self, access_code: str) -> list[str]:
        query = select(AccessCodeRow.tenant_id).where(AccessCodeRow.access_code == access_code)
        return list(await self._session.scalars(query.order_by(AccessCodeRow.tenant_id)))

    async def _access_row(self, tenant_id: str, access_id: int) -> AccessCodeRow | None:
        row = await self._session.get(AccessCodeRow, access_id)
        return row if row is not None and row.tenant_id == tenant_id else None

    async def get_access_code(self, tenant_id: str, access_id: int) -> StoredAccessCode | None:
        row = await self._access_row(tenant_id, access_id)
        return _access(row) if row else None

    def _fill_access(self, row: AccessCodeRow, b: AccessCode) -> None:
        row.access_code = b.access_code
        row.dialog_type = int(b.dialog_type)
        row.flow_code = b.flow_code
        row.domain_name = b.domain
        row.robot_name = b.robot_name
        row.description = b.description
        row.source = b.source
        row.using_record_service = b.using_record_service

    async def add_access_code(self, tenant_id: str, binding: AccessCode) -> StoredAccessCode:
        row = AccessCodeRow(tenant_id=tenant_id)
        self._fill_access(row, binding)
        self._session.add(row)
        await self._session.flush()
        return _access(row)

    async def update_access_code(self, tenant_id: str, access_id: int, binding: AccessCode) -> None:
        row = await self._access_row(tenant_id, access_id)
        if row is None:
            raise LookupError(access_id)
        self._fill_access(row, binding)
        await self._session.flush()

    async def delete_access_code(self, tenant_id: str, access_id: int) -> None:
        await self._session.execute(
            delete(AccessCodeRow).where(
                AccessCodeRow.tenant_id == tenant_id, AccessCodeRow.access_id == access_id
            )
        )

    # -- flows ---------------------------------------------------------------------------

    async def _stored_flows(self, tenant_id: str, code: str | None = None) -> list[StoredFlow]:
        latest = (
            select(FlowVersionRow.flow_id, func.max(FlowVersionRow.number).label("latest"))
            .group_by(FlowVersionRow.flow_id)
            .subquery()
        )
        query = (
            select(FlowRow, latest.c.latest)
            .outerjoin(latest, latest.c.flow_id == FlowRow.flow_id)
            .where(FlowRow.tenant_id == tenant_id)
        )
        if code is not None:
            query = query.where(FlowRow.code == code)
        rows = await self._session.execute(query.order_by(FlowRow.code))
        return [
            StoredFlow(
                flow_id=row.flow_id,
                tenant_id=row.tenant_id,
                flow=flow_from_data(json.loads(row.draft)),
                created_at=row.created_at,
                updated_at=row.updated_at,
                latest_version=number,
            )
            for row, number in rows.tuples()
        ]

    async def list_flows(self, tenant_id: str) -> list[StoredFlow]:
        return await self._stored_flows(tenant_id)

    async def get_flow(self, tenant_id: str, code: str) -> StoredFlow | None:
        found = await self._stored_flows(tenant_id, code)
        return found[0] if found else None

    async def _flow_row(self, tenant_id: str, code: str) -> FlowRow:
        row = await self._session.scalar(
            select(FlowRow).where(FlowRow.tenant_id == tenant_id, FlowRow.code == code)
        )
        if row is None:
            raise LookupError(code)
        return row

    async def save_flow(self, tenant_id: str, flow: Flow) -> StoredFlow:
        row = await self._session.scalar(
            select(FlowRow).where(FlowRow.tenant_id == tenant_id, FlowRow.code == flow.code)
        )
        if row is None:
            row = FlowRow(tenant_id=tenant_id, code=flow.code, created_at=utcnow())
            self._session.add(row)
        row.name = flow.name
        row.scenario = flow.scenario.value
        row.description = flow.description
        row.draft = canonical_json(flow)
        row.updated_at = utcnow()
        await self._session.flush()
        stored = await self.get_flow(tenant_id, flow.code)
        assert stored is not None
        return stored

    async def delete_flow(self, tenant_id: str, code: str) -> None:
        await self._session.execute(
            delete(FlowRow).where(FlowRow.tenant_id == tenant_id, FlowRow.code == code)
        )

    async def list_versions(self, tenant_id: str, code: str) -> list[FlowVersion]:
        rows = await self._session.scalars(
            select(FlowVersionRow)
            .join(FlowRow, FlowRow.flow_id == FlowVersionRow.flow_id)
            .where(FlowRow.tenant_id == tenant_id, FlowRow.code == code)
            .order_by(FlowVersionRow.number)
        )
        return [_version(r) for r in rows]

    async def get_version(self, tenant_id: str, code: str, number: int) -> FlowVersion | None:
        row = await self._session.scalar(
            select(FlowVersionRow)
            .join(FlowRow, FlowRow.flow_id == FlowVersionRow.flow_id)
            .where(
                FlowRow.tenant_id == tenant_id,
                FlowRow.code == code,
                FlowVersionRow.number == number,
            )
        )
        return _version(row) if row is not None else None

    async def add_version(
        self,
        tenant_id: str,
        code: str,
        definition: str,
        resources: str | None = None,
        *,
        published_by: str | None = None,
        note: str | None = None,
    ) -> FlowVersion:
        flow = await self._flow_row(tenant_id, code)
        latest = await self._session.scalar(
            select(func.max(FlowVersionRow.number)).where(FlowVersionRow.flow_id == flow.flow_id)
        )
        row = FlowVersionRow(
            flow_id=flow.flow_id,
            number=(latest or 0) + 1,
            definition=definition,
            resources=resources,
            is_default=False,
            published_at=utcnow(),
            published_by=published_by,
            note=note,
        )
        self._session.add(row)
        await self._session.flush()
        return _version(row)

    async def set_routing(self, tenant_id: str, code: str, routing: list[VersionRouting]) -> None:
        flow = await self._flow_row(tenant_id, code)
        wanted = {r.number: r for r in routing}
        for row in await self._session.scalars(
            select(FlowVersionRow).where(FlowVersionRow.flow_id == flow.flow_id)
        ):
            rule = wanted.get(row.number)
            row.is_default = bool(rule and rule.is_default)
            gray = rule.gray if rule else None
            row.gray_numbers = list(gray.numbers) if gray else None
            row.gray_prefixes = list(gray.prefixes) if gray else None
        await self._session.flush()

    # -- variables, templates, interfaces ------------------------------------------------

    async def list_variables(self, tenant_id: str) -> list[Variable]:
        rows = await self._session.scalars(
            select(VariableRow).where(VariableRow.tenant_id == tenant_id).order_by(VariableRow.name)
        )
        return [Variable(r.name, VariableType(r.type), r.default, r.description) for r in rows]

    async def put_variable(self, tenant_id: str, variable: Variable) -> None:
        row = await self._session.scalar(
            select(VariableRow).where(
                VariableRow.tenant_id == tenant_id, VariableRow.name == variable.name
            )
        )
        if row is None:
            row = VariableRow(tenant_id=tenant_id, name=variable.name)
            self._session.add(row)
        row.type, row.default, row.description = (
            variable.type.value,
            variable.default,
            variable.description,
        )
        await self._session.flush()

    async def delete_variable(self, tenant_id: str, name: str) -> bool:
        result = await self._session.execute(
            delete(VariableRow).where(VariableRow.tenant_id == tenant_id, VariableRow.name == name)
        )
        return bool(getattr(result, "rowcount", 0))

    async def list_templates(self, tenant_id: str) -> list[Template]:
        rows = await self._session.scalars(
            select(TemplateRow).where(TemplateRow.tenant_id == tenant_id).order_by(TemplateRow.name)
        )
        return [Template(r.name, r.text, r.description) for r in rows]

    async def put_template(self, tenant_id: str, template: Template) -> None:
        row = await self._session.scalar(
            select(TemplateRow).where(
                TemplateRow.tenant_id == tenant_id, TemplateRow.name == template.name
            )
        )
        if row is None:
            row = TemplateRow(tenant_id=tenant_id, name=template.name)
            self._session.add(row)
        row.text, row.description = template.text, template.description
        await self._session.flush()

    async def delete_template(self, tenant_id: str, name: str) -> bool:
        result = await self._session.execute(
            delete(TemplateRow).where(TemplateRow.tenant_id == tenant_id, TemplateRow.name == name)
        )
        return bool(getattr(result, "rowcount", 0))

    async def list_interfaces(self, tenant_id: str) -> list[BusinessInterface]:
        rows = await self._session.scalars(
            select(InterfaceRow)
            .where(InterfaceRow.tenant_id == tenant_id)
            .order_by(InterfaceRow.name)
        )
        result = []
        for r in rows:
            d = r.definition
            result.append(
                BusinessInterface(
                    name=r.name,
                    method=d["method"],
                    url=d["url"],
                    timeout=d["timeout"],
                    inputs=_params(d["inputs"]),
                    outputs=_params(d["outputs"]),
                    headers=_params(d["headers"]),
                    description=d.get("description", ""),
                )
            )
        return result

    async def put_interface(self, tenant_id: str, interface: BusinessInterface) -> None:
        row = await self._session.scalar(
            select(InterfaceRow).where(
                InterfaceRow.tenant_id == tenant_id, InterfaceRow.name == interface.name
            )
        )
        if row is None:
            row = InterfaceRow(tenant_id=tenant_id, name=interface.name)
            self._session.add(row)
        row.definition = _interface_data(interface)
        await self._session.flush()

    async def delete_interface(self, tenant_id: str, name: str) -> bool:
        result = await self._session.execute(
            delete(InterfaceRow).where(
                InterfaceRow.tenant_id == tenant_id, InterfaceRow.name == name
            )
        )
        return bool(getattr(result, "rowcount", 0))

    # -- Q&A -----------------------------------------------------------------------------

    async def list_faq_groups(self, tenant_id: str) -> list[StoredFaqGroup]:
        amounts = (
            select(FaqRow.group_id, func.count(FaqRow.faq_id).label("amount"))
            .group_by(FaqRow.group_id)
            .subquery()
        )
        rows = await self._session.execute(
            select(FaqGroupRow, amounts.c.amount)
            .outerjoin(amounts, amounts.c.group_id == FaqGroupRow.group_id)
            .where(FaqGroupRow.tenant_id == tenant_id)
            .order_by(FaqGroupRow.group_id)
        )
        return [_group(row, amount or 0) for row, amount in rows.tuples()]

    async def get_faq_group(self, tenant_id: str, group_id: int) -> StoredFaqGroup | None:
        return next(
            (g for g in await self.list_faq_groups(tenant_id) if g.group_id == group_id), None
        )

    async def save_faq_group(
        self, tenant_id: str, group: FaqGroup, group_id: int | None = None
    ) -> StoredFaqGroup:
        row = None
        if group_id is not None:
            row = await self._session.get(FaqGroupRow, group_id)
            if row is None or row.tenant_id != tenant_id:
                raise LookupError(group_id)
        if row is None:
            row = FaqGroupRow(tenant_id=tenant_id)
            self._session.add(row)
        row.name, row.description, row.language, row.active = (
            group.name,
            group.description,
            group.language,
            group.active,
        )
        row.updated_at = utcnow()
        await self._session.flush()
        stored = await self.get_faq_group(tenant_id, row.group_id)
        assert stored is not None
        return stored

    async def delete_faq_group(self, tenant_id: str, group_id: int) -> None:
        await self._session.execute(
            delete(FaqGroupRow).where(
                FaqGroupRow.tenant_id == tenant_id, FaqGroupRow.group_id == group_id
            )
        )

    async def list_faqs(self, group_id: int) -> list[StoredFaq]:
        rows = await self._session.scalars(
            select(FaqRow).where(FaqRow.group_id == group_id).order_by(FaqRow.faq_id)
        )
        return [_faq(r) for r in rows]

    async def save_faq(self, group_id: int, faq: Faq, faq_id: int | None = None) -> StoredFaq:
        row = None
        if faq_id is not None:
            row = await self._session.get(FaqRow, faq_id)
            if row is None or row.group_id != group_id:
                raise LookupError(faq_id)
        if row is None:
            row = FaqRow(group_id=group_id)
            self._session.add(row)
        row.question, row.answer = faq.question, faq.answer
        row.similar, row.keywords = list(faq.similar), list(faq.keywords)
        row.similar_answers = list(faq.similar_answers)
        await self._session.flush()
        return _faq(row)

    async def delete_faq(self, group_id: int, faq_id: int) -> bool:
        result = await self._session.execute(
            delete(FaqRow).where(FaqRow.group_id == group_id, FaqRow.faq_id == faq_id)
        )
        return bool(getattr(result, "rowcount", 0))
