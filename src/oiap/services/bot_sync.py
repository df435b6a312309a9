"""Installing a whole bot from files (push) and reading it back (pull)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from oiap.domain.bot_definition import Bot, validate_bot
from oiap.domain.bots import AccessCode, Language
from oiap.domain.faq import FaqGroup
from oiap.domain.flow_versions import VersionRouting
from oiap.errors import Err, OiapError
from oiap.services.bot_ports import BotHeader
from oiap.services.conversation_test_ports import TestFile
from oiap.services.flow_publishing import CLI_ACTOR, InvalidConfiguration, publish_in
from oiap.services.ports import Repositories, Storage

T = TypeVar("T")


@dataclass
class PushResult:
    changes: list[str] = field(default_factory=list)
    published: list[tuple[str, int]] = field(default_factory=list)


def normalized(bot: Bot) -> Bot:
    """The bot with its collections in one order, so equal bots compare equal."""
    return replace(
        bot,
        domains=tuple(sorted(bot.domains, key=lambda d: d.name)),
        faq_groups=tuple(sorted(bot.faq_groups, key=lambda g: g.name)),
        flows=tuple(sorted(bot.flows, key=lambda f: f.code)),
        variables=tuple(sorted(bot.variables, key=lambda v: v.name)),
        templates=tuple(sorted(bot.templates, key=lambda t: t.name)),
        interfaces=tuple(sorted(bot.interfaces, key=lambda i: i.name)),
        access_codes=tuple(sorted(bot.access_codes, key=lambda a: a.access_code)),
    )


async def load_bot(repos: Repositories, tenant_id: str) -> Bot | None:
    header = await repos.bots.get_bot(tenant_id)
    if header is None:
        return None
    groups = []
    for stored in await repos.bots.list_faq_groups(tenant_id):
        faqs = tuple(f.faq for f in await repos.bots.list_faqs(stored.group_id))
        groups.append(replace(stored.group, questions=faqs))
    return normalized(
        Bot(
            name=header.name,
            language=header.language,
            description=header.description,
            domains=tuple(spec for _, spec in await repos.bots.list_domain_specs(tenant_id)),
            faq_groups=tuple(groups),
            flows=tuple(s.flow for s in await repos.bots.list_flows(tenant_id)),
            variables=tuple(await repos.bots.list_variables(tenant_id)),
            templates=tuple(await repos.bots.list_templates(tenant_id)),
            interfaces=tuple(await repos.bots.list_interfaces(tenant_id)),
            access_codes=tuple(a.binding for a in await repos.bots.list_access_codes(tenant_id)),
        )
    )


async def tenant_bot(repos: Repositories, tenant_id: str) -> Bot:
    """The tenant's bot as it is now (flow drafts), also when its flows were made through the
    management API and no bot settings were ever written."""
    bot = await load_bot(repos, tenant_id)
    if bot is not None:
        return bot
    return normalized(
        Bot(
            name=tenant_id,
            language=Language.EN_US,
            domains=tuple(spec for _, spec in await repos.bots.list_domain_specs(tenant_id)),
            flows=tuple(s.flow for s in await repos.bots.list_flows(tenant_id)),
            variables=tuple(await repos.bots.list_variables(tenant_id)),
            templates=tuple(await repos.bots.list_templates(tenant_id)),
            interfaces=tuple(await repos.bots.list_interfaces(tenant_id)),
            access_codes=tuple(a.binding for a in await repos.bots.list_access_codes(tenant_id)),
        )
    )


async def pull_bot(storage: Storage, tenant_id: str) -> Bot:
    async with storage.reader() as repos:
        if await repos.accounts.get_tenant(tenant_id) is None:
            raise OiapError(Err.NOT_FOUND, f"No tenant '{tenant_id}'.")
        return await tenant_bot(repos, tenant_id)


async def pull_tests(storage: Storage, tenant_id: str) -> list[TestFile]:
    """The tenant's conversation test files, for the folder's ``tests/``."""
    async with storage.reader() as repos:
        if await repos.accounts.get_tenant(tenant_id) is None:
            raise OiapError(Err.NOT_FOUND, f"No tenant '{tenant_id}'.")
        return await repos.conversation_tests.list_files(tenant_id)


async def _sync(
    kind: str,
    old: Iterable[T],
    new: Iterable[T],
    key: Callable[[T], str],
    put: Callable[[T], Awaitable[object]],
    remove: Callable[[str], Awaitable[object]],
    changes: list[str],
) -> None:
    before = {key(item): item for item in old}
    after = {key(item): item for item in new}
    for name, item in after.items():
        if before.get(name) != item:
            await put(item)
            changes.append(f"{kind} {name!r} {'updated' if name in before else 'created'}")
    for name in before.keys() - after.keys():
        await remove(name)
        changes.append(f"{kind} {name!r} deleted")


async def push_bot(
    storage: Storage,
    tenant_id: str,
    bot: Bot,
    *,
    publish: bool,
    tests: Sequence[TestFile] | None = None,
) -> PushResult:
    """Make the tenant's bot equal to ``bot`` in one transaction; nothing changes on error.

    Only objects that differ are written, so pushing what was pulled writes nothing. With
    ``tests`` (the folder's ``tests/`` files) the stored conversation tests become those;
    without, they are left as they are.
    """
    problems = validate_bot(bot)
    if problems:
        raise InvalidConfiguration(
            [f"{p.subject[0]} {p.subject[1]!r}: {p.message}" for p in problems]
        )
    bot = normalized(bot)
    result = PushResult()
    async with storage.transaction() as repos:
        if await repos.accounts.get_tenant(tenant_id) is None:
            raise OiapError(Err.NOT_FOUND, f"No tenant '{tenant_id}'.")
        current = await load_bot(repos, tenant_id) or Bot(name="")
        await _apply(repos, tenant_id, current, bot, result.changes)
        if tests is not None:
            await _sync_tests(repos, tenant_id, tests, result.changes)
        if publish:
            for flow in bot.flows:
                before = await repos.bots.list_versions(tenant_id, flow.code)
                version = await publish_in(repos, tenant_id, flow.code, published_by=CLI_ACTOR)
                if before and version.number == before[-1].number:
                    continue  # flow and resources unchanged: nothing new to roll out
                # A push rolls the new version out: it becomes the default; gray rules that
                # route some callers to other versions stay as they were.
                routing = [v.routing for v in before if v.number != version.number]
                routing = [VersionRouting(r.number, False, r.gray) for r in routing]
                routing.append(VersionRouting(version.number, True))
                await repos.bots.set_routing(tenant_id, flow.code, routing)
                result.published.append((flow.code, version.number))
    return result


async def _sync_tests(
    repos: Repositories, tenant_id: str, tests: Sequence[TestFile], changes: list[str]
) -> None:
    stored = {f.file: f.text for f in await repos.conversation_tests.list_files(tenant_id)}
    wanted = {f.file: f.text for f in tests}
    for file, text in wanted.items():
        if stored.get(file) != text:
            await repos.conversation_tests.put_file(tenant_id, file, text)
            changes.append(
                f"conversation test {file!r} {'updated' if file in stored else 'created'}"
            )
    for file in sorted(stored.keys() - wanted.keys()):
        await repos.conversation_tests.delete_file(tenant_id, file)
        changes.append(f"conversation test {file!r} deleted")


async def _apply(
    repos: Repositories, tenant_id: str, current: Bot, bot: Bot, changes: list[str]
) -> None:
    b = repos.bots
    header = BotHeader(bot.name, bot.language, bot.description)
    if (current.name, current.language, current.description) != (
        header.name,
        header.language,
        header.description,
    ):
        await b.put_bot(tenant_id, header)
        changes.append("bot settings updated")

    ids = {spec.name: d.domain_id for d, spec in await b.list_domain_specs(tenant_id)}
    groups = {g.group.name: g.group_id for g in await b.list_faq_groups(tenant_id)}

    async def put_group(group: object) -> None:
        assert isinstance(group, FaqGroup)
        stored = await b.save_faq_group(
            tenant_id, replace(group, questions=()), groups.get(group.name)
        )
        for old in await b.list_faqs(stored.group_id):
            await b.delete_faq(stored.group_id, old.faq_id)
        for faq in group.questions:
            await b.save_faq(stored.group_id, faq)

    async def remove_domain(name: str) -> None:
        await b.delete_domain(tenant_id, ids[name])

    async def remove_group(name: str) -> None:
        await b.delete_faq_group(tenant_id, groups[name])

    codes = {a.binding.access_code: a for a in await b.list_access_codes(tenant_id)}

    async def put_access(access: object) -> None:
        assert isinstance(access, AccessCode)
        existing = codes.get(access.access_code)
        if existing is None:
            await b.add_access_code(tenant_id, access)
        else:
            await b.update_access_code(tenant_id, existing.access_id, access)

    async def remove_access(code: str) -> None:
        await b.delete_access_code(tenant_id, codes[code].access_id)

    async def remove_flow(code: str) -> None:
        await b.delete_flow(tenant_id, code)

    # Resources first, so that flows saved next find what they name.
    await _sync(
        "variable",
        current.variables,
        bot.variables,
        lambda v: v.name,
        lambda v: b.put_variable(tenant_id, v),
        lambda n: b.delete_variable(tenant_id, n),
        changes,
    )
    await _sync(
        "template",
        current.templates,
        bot.templates,
        lambda t: t.name,
        lambda t: b.put_template(tenant_id, t),
        lambda n: b.delete_template(tenant_id, n),
        changes,
    )
    await _sync(
        "interface",
        current.interfaces,
        bot.interfaces,
        lambda i: i.name,
        lambda i: b.put_interface(tenant_id, i),
        lambda n: b.delete_interface(tenant_id, n),
        changes,
    )
    await _sync(
        "domain",
        current.domains,
        bot.domains,
        lambda d: d.name,
        lambda d: b.save_domain(tenant_id, d),
        remove_domain,
        changes,
    )
    await _sync(
        "faq group",
        current.faq_groups,
        bot.faq_groups,
        lambda g: g.name,
        put_group,
        remove_group,
        changes,
    )
    # Flow names are unique: free the names of flows that go away before saving others.
    for code in {f.code for f in current.flows} - {f.code for f in bot.flows}:
        await remove_flow(code)
        changes.append(f"flow {code!r} deleted")
    await _park_renamed_flows(repos, tenant_id, current, bot)
    await _sync(
        "flow",
        [f for f in current.flows if f.code in {n.code for n in bot.flows}],
        bot.flows,
        lambda f: f.code,
        lambda f: b.save_flow(tenant_id, f),
        remove_flow,
        changes,
    )
    await _sync(
        "access code",
        current.access_codes,
        bot.access_codes,
        lambda a: a.access_code,
        put_access,
        remove_access,
        changes,
    )


async def _park_renamed_flows(repos: Repositories, tenant_id: str, current: Bot, bot: Bot) -> None:
    """Give every flow whose name changes a temporary name nobody uses.

    A push may pass a name from one flow to another (or swap two names); saving the flows
    one by one would otherwise meet the old holder of a name still in place.
    """
    wanted = {f.code: f.name for f in bot.flows}
    taken = {f.name for f in current.flows} | set(wanted.values())
    for flow in current.flows:
        if wanted.get(flow.code, flow.name) == flow.name:
            continue
        parked, n = f"~{flow.code}~", 0
        while parked in taken:
            n += 1
            parked = f"~{flow.code}~{n}"
        taken.add(parked)
        await repos.bots.save_flow(tenant_id, replace(flow, name=parked))
