"""What the bot-configuration use cases need from storage, and the records it returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from oiap.domain.bots import AccessCode, Domain, DomainSpec, Language
from oiap.domain.faq import Faq, FaqGroup
from oiap.domain.flow_versions import GrayRule, VersionRouting
from oiap.domain.flows import BusinessInterface, Flow, Template, Variable


@dataclass(frozen=True)
class BotHeader:
    name: str
    language: Language
    description: str = ""


@dataclass(frozen=True)
class StoredAccessCode:
    access_id: int
    tenant_id: str
    binding: AccessCode


@dataclass(frozen=True)
class StoredFlow:
    flow_id: int
    tenant_id: str
    flow: Flow  # the draft
    created_at: datetime
    updated_at: datetime
    latest_version: int | None = None

    @property
    def status(self) -> str:
        """``VALID`` once a version is published, ``INITIAL`` before (spec §6)."""
        return "VALID" if self.latest_version else "INITIAL"


@dataclass(frozen=True)
class FlowVersion:
    number: int
    definition: str  # canonical JSON, immutable
    is_default: bool
    gray: GrayRule | None
    published_at: datetime
    resources: str | None = None  # JSON frozen at publish: what the version runs with
    published_by: str | None = None  # a console user's name, the account, or "cli"
    note: str | None = None  # what the publisher wrote about it

    @property
    def routing(self) -> VersionRouting:
        return VersionRouting(self.number, self.is_default, self.gray)


@dataclass(frozen=True)
class StoredFaqGroup:
    group_id: int
    tenant_id: str
    group: FaqGroup  # without questions
    amount: int
    updated_at: datetime


@dataclass(frozen=True)
class StoredFaq:
    faq_id: int
    group_id: int
    faq: Faq


class BotRepository(Protocol):
    async def get_bot(self, tenant_id: str) -> BotHeader | None: ...

    async def put_bot(self, tenant_id: str, header: BotHeader) -> None: ...

    # domains and intents
    async def list_domain_specs(self, tenant_id: str) -> list[tuple[Domain, DomainSpec]]: ...

    async def save_domain(
        self, tenant_id: str, spec: DomainSpec, domain_id: int | None = None
    ) -> Domain: ...

    async def delete_domain(self, tenant_id: str, domain_id: int) -> bool: ...

    # access codes
    async def list_access_codes(
        self, tenant_id: str, *, access_code: str | None = None
    ) -> list[StoredAccessCode]: ...

    async def get_access_code(self, tenant_id: str, access_id: int) -> StoredAccessCode | None: ...

    async def list_access_code_tenants(self, access_code: str) -> list[str]:
        """Every tenant that binds ``access_code``: a system account's call names no tenant."""
        ...

    async def add_access_code(self, tenant_id: str, binding: AccessCode) -> StoredAccessCode: ...

    async def update_access_code(
        self, tenant_id: str, access_id: int, binding: AccessCode
    ) -> None: ...

    async def delete_access_code(self, tenant_id: str, access_id: int) -> None: ...

    # flows and versions
    async def list_flows(self, tenant_id: str) -> list[StoredFlow]: ...

    async def get_flow(self, tenant_id: str, code: str) -> StoredFlow | None: ...

    async def save_flow(self, tenant_id: str, flow: Flow) -> StoredFlow: ...

    async def delete_flow(self, tenant_id: str, code: str) -> None: ...

    async def list_versions(self, tenant_id: str, code: str) -> list[FlowVersion]: ...

    async def add_version(
        self,
        tenant_id: str,
        code: str,
        definition: str,
        resources: str | None = None,
        *,
        published_by: str | None = None,
        note: str | None = None,
    ) -> FlowVersion: ...

    async def get_version(self, tenant_id: str, code: str, number: int) -> FlowVersion | None: ...

    async def set_routing(
        self, tenant_id: str, code: str, routing: list[VersionRouting]
    ) -> None: ...

    # resources
    async def list_variables(self, tenant_id: str) -> list[Variable]: ...

    async def put_variable(self, tenant_id: str, variable: Variable) -> None: ...

    async def delete_variable(self, tenant_id: str, name: str) -> bool: ...

    async def list_templates(self, tenant_id: str) -> list[Template]: ...

    async def put_template(self, tenant_id: str, template: Template) -> None: ...

    async def delete_template(self, tenant_id: str, name: str) -> bool: ...

    async def list_interfaces(self, tenant_id: str) -> list[BusinessInterface]: ...

    async def put_interface(self, tenant_id: str, interface: BusinessInterface) -> None: ...

    async def delete_interface(self, tenant_id: str, name: str) -> bool: ...

    # Q&A
    async def list_faq_groups(self, tenant_id: str) -> list[StoredFaqGroup]: ...

    async def get_faq_group(self, tenant_id: str, group_id: int) -> StoredFaqGroup | None: ...

    async def save_faq_group(
        self, tenant_id: str, group: FaqGroup, group_id: int | None = None
    ) -> StoredFaqGroup: ...

    async def delete_faq_group(self, tenant_id: str, group_id: int) -> None: ...

    async def list_faqs(self, group_id: int) -> list[StoredFaq]: ...

    async def save_faq(self, group_id: int, faq: Faq, faq_id: int | None = None) -> StoredFaq: ...

    async def delete_faq(self, group_id: int, faq_id: int) -> bool: ...
