// /console/analytics — the tenant's figures over a range of UTC days, by hour or day, for an
// access code, a flow and a version: dashboards, and what the bot did not understand. The
// filters live in the URL, so a view can be shared or bookmarked.
import "./analytics.css";
import { Link, useSearchParams } from "react-router-dom";
import { listAccessCodes } from "../../api/accessCodes";
import { listFlowSummaries } from "../../api/bots";
import { useApi } from "../../lib/useApi";
import { paths } from "../../paths";
import { useSession } from "../../session/SessionContext";
import { Page, PageHeader, SelectField, TextField } from "../../ui";
import { Dashboards } from "./Dashboards";
import { apiFilters, filtersFrom, paramsOf, rangeProblem, type FilterState } from "./filters";
import { NotUnderstoodInbox } from "./NotUnderstood";

type Tab = "dashboards" | "not-understood";

/** Where the flow graph shows the per-node figures of a version over a range. */
export function flowOverlayLink(flow: string, version: string, from: string, to: string): string {
  const query = new URLSearchParams({ analytics: "1", afrom: from, ato: to });
  if (version) query.set("aversion", version);
  return `${paths.flow(flow)}?${query}`;
}

export function AnalyticsPage() {
  const { tenantId } = useSession();
  const [params, setParams] = useSearchParams();
  const state = filtersFrom(params);
  const tab: Tab = params.get("tab") === "not-understood" ? "not-understood" : "dashboards";
  const problem = rangeProblem(state);
  // Figures are cached by the filters' text, so a new object each render asks nothing again.
  const filters = apiFilters(state);

  const codes = useApi((signal) => listAccessCodes(signal), `codes:${tenantId}`);
  const flows = useApi((signal) => listFlowSummaries(signal), `flows:${tenantId}`);
  const flow = flows.data?.find((f) => f.code === state.flow);
  const latest = flow?.latest_version ?? 0;

  const change = (next: Partial<FilterState>) => setParams(paramsOf({ ...state, ...next }, params), { replace: true });
  const setTab = (next: Tab) => {
    const query = new URLSearchParams(params);
    if (next === "dashboards") query.delete("tab");
    else query.set("tab", next);
    setParams(query);
  };

  return (
    <Page testId="analytics-page">
      <PageHeader
        title="Analytics"
        description="How the calls went: outcomes, turns, latency, recognition and business interfaces. Days are UTC days."
        actions={
          state.flow ? (
            <Link to={flowOverlayLink(state.flow, state.version || (flow?.default_version ? String(flow.default_version) : ""), state.from, state.to)} className="btn btn-small" data-testid="an-open-graph">
              Per node on the flow graph
            </Link>
          ) : null
        }
      />
      <form className="an-filters card" aria-label="Filters" onSubmit={(e) => e.preventDefault()} data-testid="an-filters">
        <TextField label="From (UTC day)" type="date" value={state.from} max={state.to} onChange={(e) => e.target.value && change({ from: e.target.value })} data-testid="an-from" />
        <TextField label="To (UTC day, included)" type="date" value={state.to} min={state.from} onChange={(e) => e.target.value && change({ to: e.target.value })} data-testid="an-to" />
        <SelectField
          label="Access code"
          value={state.accessCode}
          placeholder="All access codes"
          options={(codes.data ?? []).map((c) => ({ value: c.code, label: `${c.code} → ${c.flow}` }))}
          onChange={(e) => change({ accessCode: e.target.value })}
          data-testid="an-access-code"
        />
        <SelectField
          label="Flow"
          value={state.flow}
          placeholder="All flows"
          options={(flows.data ?? []).map((f) => ({ value: f.code, label: f.name && f.name !== f.code ? `${f.code} — ${f.name}` : f.code }))}
          onChange={(e) => change({ flow: e.target.value, version: "" })}
          data-testid="an-flow"
        />
        <SelectField
          label="Version"
          value={state.version}
          placeholder={state.flow ? "All versions" : "Pick a flow first"}
          disabled={!state.flow}
          options={Array.from({ length: latest }, (_, i) => latest - i).map((n) => ({ value: String(n), label: `Version ${n}${n === flow?.default_version ? " (live)" : ""}` }))}
          onChange={(e) => change({ version: e.target.value })}
          data-testid="an-version"
        />
        <SelectField
          label="By"
          value={state.granularity}
          options={[
            { value: "day", label: "Day" },
            { value: "hour", label: "Hour" },
          ]}
          onChange={(e) => change({ granularity: e.target.value === "hour" ? "hour" : "day" })}
          data-testid="an-granularity"
        />
      </form>
      {problem ? (
        <p className="field-error" role="alert" data-testid="an-range-problem">
          {problem}
        </p>
      ) : null}

      <div className="tabs" role="tablist" aria-label="Analytics views">
        <button type="button" role="tab" className="tab" id="an-tab-dashboards" aria-controls="an-panel" aria-selected={tab === "dashboards"} onClick={() => setTab("dashboards")} data-testid="an-tab-dashboards">
          Dashboards
        </button>
        <button type="button" role="tab" className="tab" id="an-tab-not-understood" aria-controls="an-panel" aria-selected={tab === "not-understood"} onClick={() => setTab("not-understood")} data-testid="an-tab-not-understood">
          Not understood
        </button>
      </div>
      <div role="tabpanel" id="an-panel" aria-labelledby={`an-tab-${tab}`} className="an-panel">
        {problem ? null : tab === "dashboards" ? <Dashboards filters={filters} /> : <NotUnderstoodInbox filters={filters} />}
      </div>
    </Page>
  );
}
