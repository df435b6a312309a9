import { Link } from "react-router-dom";
import { listDomains, listFaqGroups, listFlowSummaries, listInterfaces, listTemplates, listVariables, UNKNOWN_INTENT } from "../api/bots";
import type { FlowSummary } from "../api/bots";
import { listAccessCodes, dialogTypeLabel } from "../api/accessCodes";
import { getRouting } from "../api/versions";
import type { Routing } from "../api/versions";
import { useApi } from "../lib/useApi";
import { describeRule } from "../lib/grayRules";
import { formatTime } from "../lib/format";
import { paths } from "../paths";
import { useSession } from "../session/SessionContext";
import { ApiView, Badge, Card, Page, PageHeader, Table } from "../ui";

interface FlowRow extends FlowSummary {
  routing: Routing | null;
}

async function flowsWithRouting(signal: AbortSignal): Promise<FlowRow[]> {
  const flows = await listFlowSummaries(signal);
  // Routing of unpublished flows is empty; only ask for the published ones.
  return Promise.all(
    flows.map(async (flow) => ({
      ...flow,
      routing: flow.latest_version ? await getRouting(flow.code, signal) : null,
    })),
  );
}

function FlowsCard() {
  const { tenantId } = useSession();
  const state = useApi(flowsWithRouting, `flows:${tenantId}`);
  return (
    <Card title="Flows" testId="glance-flows">
      <ApiView state={state}>
        {(flows) => (
          <Table
            caption="Flows"
            rows={flows}
            rowKey={(flow) => flow.code}
            rowTestId={(flow) => `flow-row-${flow.code}`}
            empty="No flows yet. Push a bot folder with `oiap bot push`."
            columns={[
              {
                key: "code",
                header: "Flow",
                render: (flow) => (
                  <div>
                    <Link to={paths.flow(flow.code)} data-testid={`flow-link-${flow.code}`}>
                      {flow.code}
                    </Link>
                    <div className="muted">{flow.name}</div>
                  </div>
                ),
              },
              { key: "scenario", header: "Scenario", render: (flow) => flow.scenario },
              {
                key: "live",
                header: "Live version",
                render: (flow) =>
                  flow.default_version ? <Badge tone="success">v{flow.default_version}</Badge> : <Badge tone="warning">Not published</Badge>,
              },
              { key: "latest", header: "Latest", render: (flow) => (flow.latest_version ? `v${flow.latest_version}` : "—") },
              {
                key: "gray",
                header: "Gray rules",
                render: (flow) =>
                  flow.routing && flow.routing.gray.length ? (
                    <ul className="list-plain" data-testid={`flow-gray-${flow.code}`}>
                      {flow.routing.gray.map((rule) => (
                        <li key={rule.version}>
                          <Badge tone="primary">v{rule.version}</Badge> {describeRule(rule)}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="muted">None</span>
                  ),
              },
              { key: "updated", header: "Draft changed", render: (flow) => formatTime(flow.updated_at) },
              {
                key: "actions",
                header: <span className="visually-hidden">Actions</span>,
                className: "actions",
                render: (flow) => (
                  <Link to={paths.releases(flow.code)} className="btn btn-small" data-testid={`flow-releases-${flow.code}`} aria-label={`Releases of ${flow.code}`}>
                    Releases
                  </Link>
                ),
              },
            ]}
          />
        )}
      </ApiView>
    </Card>
  );
}

function AccessCodesCard() {
  const { tenantId } = useSession();
  const state = useApi(listAccessCodes, `codes:${tenantId}`);
  return (
    <Card title="Access codes" testId="glance-access-codes" actions={<Link to={paths.accessCodes}>Manage</Link>}>
      <ApiView state={state}>
        {(codes) => (
          <Table
            caption="Access codes"
            rows={codes}
            rowKey={(code) => code.code}
            rowTestId={(code) => `glance-code-${code.code}`}
            empty="No access code is bound."
            columns={[
              { key: "code", header: "Code", render: (code) => <code>{code.code}</code> },
              { key: "flow", header: "Starts flow", render: (code) => <Link to={paths.flow(code.flow)}>{code.flow}</Link> },
              { key: "type", header: "Dialog type", render: (code) => dialogTypeLabel(code.dialogType) },
            ]}
          />
        )}
      </ApiView>
    </Card>
  );
}

function DomainsCard() {
  const { tenantId } = useSession();
  const state = useApi(listDomains, `domains:${tenantId}`);
  return (
    <Card title="Domains" testId="glance-domains" actions={<Link to={paths.intents}>Intents</Link>}>
      <ApiView state={state}>
        {(domains) => (
          <Table
            caption="Domains"
            rows={domains}
            rowKey={(domain) => domain.name}
            empty="No domains."
            columns={[
              { key: "name", header: "Domain", render: (domain) => domain.name },
              { key: "language", header: "Language", render: (domain) => domain.language },
              { key: "intents", header: "Intents", render: (domain) => domain.intents.filter((i) => i.code !== UNKNOWN_INTENT).length },
              { key: "active", header: "Active", render: (domain) => (domain.active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>) },
            ]}
          />
        )}
      </ApiView>
    </Card>
  );
}

function FaqCard() {
  const { tenantId } = useSession();
  const state = useApi((signal) => listFaqGroups(tenantId ?? "", signal), `faq:${tenantId}`);
  return (
    <Card title="FAQ groups" testId="glance-faq" actions={<Link to={paths.faq}>FAQ</Link>}>
      <ApiView state={state}>
        {(groups) => (
          <Table
            caption="FAQ groups"
            rows={groups}
            rowKey={(group) => String(group.id)}
            empty="No FAQ groups."
            columns={[
              { key: "name", header: "Group", render: (group) => group.name },
              { key: "language", header: "Language", render: (group) => group.language },
              { key: "amount", header: "Questions", render: (group) => group.amount ?? "" },
              { key: "on", header: "Active", render: (group) => (group.on ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>) },
            ]}
          />
        )}
      </ApiView>
    </Card>
  );
}

function InterfacesCard() {
  const { tenantId } = useSession();
  const state = useApi(listInterfaces, `interfaces:${tenantId}`);
  return (
    <Card title="Business interfaces" testId="glance-interfaces">
      <ApiView state={state}>
        {(items) => (
          <Table
            caption="Business interfaces"
            rows={items}
            rowKey={(item) => item.name}
            empty="No business interfaces."
            columns={[
              { key: "name", header: "Name", render: (item) => item.name },
              { key: "method", header: "Method", render: (item) => <Badge>{item.method}</Badge> },
              { key: "url", header: "URL", render: (item) => <code>{item.url}</code> },
              { key: "timeout", header: "Timeout", render: (item) => `${item.timeout} s` },
            ]}
          />
        )}
      </ApiView>
    </Card>
  );
}

function VariablesCard() {
  const { tenantId } = useSession();
  const state = useApi(listVariables, `variables:${tenantId}`);
  return (
    <Card title="Global variables" testId="glance-variables">
      <ApiView state={state}>
        {(items) => (
          <Table
            caption="Global variables"
            rows={items}
            rowKey={(item) => item.name}
            empty="No global variables."
            columns={[
              { key: "name", header: "Name", render: (item) => <code>GLOBAL.{item.name}</code> },
              { key: "type", header: "Type", render: (item) => item.type },
              { key: "default", header: "Default", render: (item) => (item.default === null || item.default === undefined ? <span className="muted">none</span> : <code>{JSON.stringify(item.default)}</code>) },
              { key: "description", header: "Description", render: (item) => item.description },
            ]}
          />
        )}
      </ApiView>
    </Card>
  );
}

function TemplatesCard() {
  const { tenantId } = useSession();
  const state = useApi(listTemplates, `templates:${tenantId}`);
  return (
    <Card title="Templates" testId="glance-templates">
      <ApiView state={state}>
        {(items) => (
          <Table
            caption="Templates"
            rows={items}
            rowKey={(item) => item.name}
            empty="No templates."
            columns={[
              { key: "name", header: "Name", render: (item) => item.name },
              { key: "text", header: "Text", render: (item) => item.text },
            ]}
          />
        )}
      </ApiView>
    </Card>
  );
}

/** Everything the tenant's bots are made of, on one page; each part loads on its own. */
export function GlancePage() {
  return (
    <Page testId="glance-page">
      <PageHeader title="Bots at a glance" description="Flows and their releases, how callers reach them, and what they use." />
      <FlowsCard />
      <div className="grid-2">
        <AccessCodesCard />
        <DomainsCard />
        <FaqCard />
        <InterfacesCard />
        <VariablesCard />
        <TemplatesCard />
      </div>
    </Page>
  );
}
