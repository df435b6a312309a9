// The analytics overlay of the flow workspace: per-node figures of a version over a range of
// UTC days, drawn on the graph (edge width by traffic, node colour by drop-off). Its settings
// live in the URL (analytics=1, afrom, ato, aversion) so the analytics page can link here.
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { getNodeFigures } from "../api/analytics";
import type { Flow, TestCallVersion } from "../api/flows";
import type { Version } from "../api/versions";
import { useApi } from "../lib/useApi";
import { Badge, Button, ErrorNotice, SelectField, TextField } from "../ui";
import { DROP_LEVEL_TEXT, overlayOf, type DropLevel, type Overlay } from "./model/analytics";

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const validDay = (text: string | null): text is string => !!text && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text));

export interface OverlaySettings {
  on: boolean;
  from: string;
  to: string;
  /** The version whose figures are drawn, or null when the flow has none. */
  version: number | null;
}

/** The overlay's settings from the URL; the version defaults to the one on screen, else the live one. */
export function useOverlaySettings(viewing: TestCallVersion, versions: Version[]) {
  const [params, setParams] = useSearchParams();
  const [today] = useState(() => isoDay(Date.now()));
  const to = validDay(params.get("ato")) ? (params.get("ato") as string) : today;
  const from = validDay(params.get("afrom")) ? (params.get("afrom") as string) : isoDay(Date.parse(to) - 6 * DAY_MS);
  const asked = Number(params.get("aversion"));
  const fallback = typeof viewing === "number" ? viewing : (versions.find((v) => v.default)?.number ?? versions.reduce<number | null>((max, v) => Math.max(max ?? 0, v.number), null));
  const settings: OverlaySettings = {
    on: params.get("analytics") === "1",
    from,
    to,
    version: Number.isInteger(asked) && asked > 0 ? asked : fallback,
  };
  const change = (next: { on?: boolean; from?: string; to?: string; version?: number }) => {
    const query = new URLSearchParams(params);
    if (next.on !== undefined) {
      if (next.on) query.set("analytics", "1");
      else query.delete("analytics");
    }
    if (next.from) query.set("afrom", next.from);
    if (next.to) query.set("ato", next.to);
    if (next.version !== undefined) query.set("aversion", String(next.version));
    setParams(query, { replace: true });
  };
  return { settings, change };
}

/** The figures of the settings, mapped onto the flow on screen; redrawn when they change. */
export function useNodeOverlay(code: string, flow: Flow | undefined, settings: OverlaySettings) {
  const { on, from, to, version } = settings;
  const wanted = on && version !== null && Date.parse(from) <= Date.parse(to);
  const figures = useApi(
    (signal) =>
      wanted && version !== null
        ? getNodeFigures({ flow: code, version, from: `${from}T00:00:00Z`, to: new Date(Date.parse(to) + DAY_MS).toISOString() }, signal)
        : Promise.resolve(null),
    `nodes:${code}:${wanted ? `${version}:${from}:${to}` : "off"}`,
  );
  const overlay = useMemo<Overlay | null>(
    () => (wanted && flow && figures.data ? overlayOf(flow, figures.data.rows, figures.data.exits, figures.data.error_kinds) : null),
    [wanted, flow, figures.data],
  );
  return { overlay, figures };
}

const LEVELS: DropLevel[] = [0, 1, 2, 3, 4];

/** The overlay's controls, legend and state, under the workspace's toolbar. */
export function AnalyticsBar({ settings, change, versions, state, overlay }: {
  settings: OverlaySettings;
  change: ReturnType<typeof useOverlaySettings>["change"];
  versions: Version[];
  state: ReturnType<typeof useNodeOverlay>["figures"];
  overlay: Overlay | null;
}) {
  const visits = overlay ? Array.from(overlay.nodes.values()).reduce((max, n) => Math.max(max, n.row.visits), 0) : 0;
  const badRange = Date.parse(settings.from) > Date.parse(settings.to);
  return (
    <section className="flow-analytics-bar" aria-label="Analytics overlay" data-testid="analytics-bar">
      <TextField label="From (UTC day)" type="date" value={settings.from} max={settings.to} onChange={(e) => e.target.value && change({ from: e.target.value })} data-testid="analytics-from" />
      <TextField label="To (UTC day)" type="date" value={settings.to} min={settings.from} onChange={(e) => e.target.value && change({ to: e.target.value })} data-testid="analytics-to" />
      <SelectField
        label="Figures of"
        value={settings.version === null ? "" : String(settings.version)}
        placeholder={versions.length ? undefined : "No published version"}
        disabled={versions.length === 0}
        options={versions.map((v) => ({ value: String(v.number), label: `Version ${v.number}${v.default ? " (live)" : ""}` }))}
        onChange={(e) => e.target.value && change({ version: Number(e.target.value) })}
        data-testid="analytics-version"
      />
      <div className="flow-analytics-legend" aria-label="Drop-off colours">
        <span className="muted">Ended at the node:</span>
        {LEVELS.map((level) => (
          <span key={level} className={`flow-analytics-swatch flow-drop-${level}`}>
            {DROP_LEVEL_TEXT[level]}
          </span>
        ))}
        <span className="muted">Edge width: calls through the branch.</span>
      </div>
      <div className="flow-analytics-state" role="status" data-testid="analytics-status">
        {badRange ? (
          <span className="field-error">The last day is before the first.</span>
        ) : settings.version === null ? (
          <span className="muted">Figures come from published versions; this flow has none yet.</span>
        ) : state.error ? null : state.loading ? (
          <span className="muted">Loading the figures of version {settings.version}…</span>
        ) : overlay ? (
          <span>
            Version {settings.version}: <strong data-testid="analytics-entries">{visits}</strong> visits at the busiest node.
            {overlay.offGraphNodes.length || overlay.offGraphExits.length ? (
              <details className="flow-analytics-off">
                <summary>
                  <Badge tone="warning">{overlay.offGraphNodes.length + overlay.offGraphExits.length} figures not on this graph</Badge>
                </summary>
                <ul data-testid="analytics-off-graph">
                  {overlay.offGraphNodes.map((n) => (
                    <li key={`n-${n.node}`}>
                      node <span className="mono">{n.node}</span>: {n.visits} visits, {n.drop_offs} ended there
                    </li>
                  ))}
                  {overlay.offGraphExits.map((e, i) => (
                    <li key={`e-${i}`}>
                      <span className="mono">{e.node}</span> {e.branch} → <span className="mono">{e.to}</span>: {e.count}
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </span>
        ) : null}
      </div>
      {state.error ? <ErrorNotice error={state.error} title="The figures could not be read" onRetry={state.reload} /> : null}
      <Button size="small" variant="ghost" onClick={() => change({ on: false })} data-testid="analytics-close">
        Hide figures
      </Button>
    </section>
  );
}
