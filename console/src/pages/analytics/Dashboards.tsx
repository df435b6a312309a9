// The dashboards: calls and how they came out, turns and latency, transfers, recognition,
// intents and business interfaces, each from its own figure of the API.
import type { ReactNode } from "react";
import {
  getCalls,
  getIntents,
  getInterfaces,
  getRecognition,
  getTransfers,
  type AnalyticsFilters,
  type CallRow,
  type IntentRow,
  type InterfaceRow,
  type RecognitionRow,
  type TransferRow,
} from "../../api/analytics";
import { useApi, type ApiState } from "../../lib/useApi";
import { Card, ErrorNotice, Loading } from "../../ui";
import { CategoryChart, TimeChart } from "./Chart";
import { ChartCard, ExportCsvButton, Stat } from "./ChartCard";
import { filtersKey } from "./filters";
import { callSeries, count, millis, share } from "./series";

function Loaded<T>({ state, title, children }: { state: ApiState<T>; title: string; children: (data: T) => ReactNode }) {
  if (state.error) return <ErrorNotice error={state.error} title={`${title} could not be read`} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading label={`Loading ${title.toLowerCase()}…`} />;
  return <>{children(state.data)}</>;
}

const periodColumn = { key: "period", header: "Period", render: (r: CallRow) => <span className="mono">{r.period}</span> };

export function Dashboards({ filters }: { filters: AnalyticsFilters }) {
  const key = filtersKey(filters);
  const calls = useApi((signal) => getCalls(filters, signal), `calls:${key}`);
  const transfers = useApi((signal) => getTransfers(filters, signal), `transfers:${key}`);
  const recognition = useApi((signal) => getRecognition(filters, signal), `recognition:${key}`);
  const intents = useApi((signal) => getIntents(filters, signal), `intents:${key}`);
  const interfaces = useApi((signal) => getInterfaces(filters, signal), `interfaces:${key}`);
  const granularity = filters.granularity ?? "day";

  return (
    <div className="an-dashboards" data-testid="an-dashboards">
      <Card title="Calls" testId="an-totals" actions={<ExportCsvButton figure="calls" filters={filters} testId="an-totals-csv" />}>
        <Loaded state={calls} title="Calls">
          {({ totals: t }) => (
            <dl className="an-stats" aria-label="Totals of the range">
              <Stat label="Calls" value={count(t.calls)} testId="an-total-calls" />
              <Stat label="Contained" value={count(t.contained)} detail={share(t.contained, t.calls)} testId="an-total-contained" />
              <Stat label="Transferred" value={count(t.transferred)} detail={share(t.transferred, t.calls)} testId="an-total-transferred" />
              <Stat label="Abandoned" value={count(t.abandoned)} detail={share(t.abandoned, t.calls)} testId="an-total-abandoned" />
              <Stat label="Turns per call" value={t.turns_per_call ?? "—"} testId="an-total-turns-per-call" />
              <Stat label="Latency p50" value={millis(t.latency_p50_ms)} testId="an-total-p50" />
              <Stat label="Latency p95" value={millis(t.latency_p95_ms)} testId="an-total-p95" />
            </dl>
          )}
        </Loaded>
      </Card>

      <Loaded state={calls} title="Calls by period">
        {(figure) => {
          const s = callSeries(figure.rows, figure.from, figure.to, granularity);
          const per = granularity === "hour" ? "hour" : "day";
          return (
            <>
              <ChartCard
                title={`Calls and outcomes by ${per}`}
                figure="calls"
                filters={filters}
                testId="an-calls"
                table={{
                  rows: figure.rows,
                  rowKey: (r) => r.period,
                  columns: [
                    periodColumn,
                    { key: "calls", header: "Calls", render: (r) => count(r.calls) },
                    { key: "contained", header: "Contained", render: (r) => count(r.contained) },
                    { key: "transferred", header: "Transferred", render: (r) => count(r.transferred) },
                    { key: "abandoned", header: "Abandoned", render: (r) => count(r.abandoned) },
                  ],
                }}
              >
                <TimeChart
                  x={s.x}
                  granularity={granularity}
                  testId="an-calls-chart"
                  summary={`Calls by ${per}: ${figure.totals.calls} calls, ${figure.totals.contained} contained, ${figure.totals.transferred} transferred, ${figure.totals.abandoned} abandoned.`}
                  series={[
                    { label: "Calls", values: s.calls, color: "primary" },
                    { label: "Contained", values: s.contained, color: "success" },
                    { label: "Transferred", values: s.transferred, color: "warning" },
                    { label: "Abandoned", values: s.abandoned, color: "danger" },
                  ]}
                />
              </ChartCard>
              <div className="an-grid">
                <ChartCard
                  title="Turns per call"
                  figure="calls"
                  filters={filters}
                  testId="an-turns"
                  table={{
                    rows: figure.rows,
                    rowKey: (r) => r.period,
                    columns: [
                      periodColumn,
                      { key: "turns", header: "Turns", render: (r) => count(r.turns) },
                      { key: "tpc", header: "Turns per call", render: (r) => r.turns_per_call ?? "—" },
                    ],
                  }}
                >
                  <TimeChart x={s.x} granularity={granularity} testId="an-turns-chart" summary={`Turns per call by ${per}; ${figure.totals.turns_per_call ?? "no"} over the range.`} series={[{ label: "Turns per call", values: s.turnsPerCall, color: "primary" }]} />
                </ChartCard>
                <ChartCard
                  title="Turn latency"
                  figure="calls"
                  filters={filters}
                  testId="an-latency"
                  table={{
                    rows: figure.rows,
                    rowKey: (r) => r.period,
                    columns: [
                      periodColumn,
                      { key: "p50", header: "p50", render: (r) => millis(r.latency_p50_ms) },
                      { key: "p95", header: "p95", render: (r) => millis(r.latency_p95_ms) },
                    ],
                  }}
                >
                  <TimeChart
                    x={s.x}
                    granularity={granularity}
                    testId="an-latency-chart"
                    yFormat={millis}
                    summary={`Turn latency by ${per}: p50 ${millis(figure.totals.latency_p50_ms)}, p95 ${millis(figure.totals.latency_p95_ms)} over the range.`}
                    series={[
                      { label: "p50", values: s.p50, color: "success" },
                      { label: "p95", values: s.p95, color: "warning" },
                    ]}
                  />
                </ChartCard>
              </div>
            </>
          );
        }}
      </Loaded>

      <div className="an-grid">
        <Loaded state={transfers} title="Transfers">
          {(figure) => (
            <ChartCard<TransferRow>
              title="Transfers by type"
              figure="transfers"
              filters={filters}
              testId="an-transfers"
              table={{
                rows: figure.rows,
                rowKey: (r) => String(r.transfer_type),
                columns: [
                  { key: "type", header: "Transfer type", render: (r) => r.transfer_type },
                  { key: "calls", header: "Calls", render: (r) => count(r.calls) },
                ],
              }}
            >
              <CategoryChart
                testId="an-transfers-chart"
                  categoryLabel="Transfer type"
                categories={figure.rows.map((r) => `Type ${r.transfer_type}`)}
                summary={`Transferred calls by transfer type: ${figure.rows.map((r) => `type ${r.transfer_type} ${r.calls}`).join(", ") || "none"}.`}
                series={[{ label: "Calls", values: figure.rows.map((r) => r.calls), color: "warning" }]}
              />
            </ChartCard>
          )}
        </Loaded>

        <Loaded state={recognition} title="Recognition">
          {(figure) => {
            const r: RecognitionRow = figure.rows[0] ?? { recognitions: 0, unknown: 0, unknown_rate: null, nomatch: 0, timeout: 0, error3: 0 };
            return (
              <ChartCard<RecognitionRow>
                title="Recognition"
                figure="recognition"
                filters={filters}
                testId="an-recognition"
                table={{
                  rows: figure.rows,
                  rowKey: () => "all",
                  columns: [
                    { key: "rec", header: "Recognitions", render: (x) => count(x.recognitions) },
                    { key: "unknown", header: "Unknown", render: (x) => count(x.unknown) },
                    { key: "rate", header: "Unknown rate", render: (x) => (x.unknown_rate === null ? "—" : share(x.unknown_rate, 1)) },
                    { key: "nomatch", header: "No match", render: (x) => count(x.nomatch) },
                    { key: "timeout", header: "Timeout", render: (x) => count(x.timeout) },
                    { key: "error3", header: "error3", render: (x) => count(x.error3) },
                  ],
                }}
              >
                <dl className="an-stats">
                  <Stat label="Unknown rate" value={r.unknown_rate === null ? "—" : share(r.unknown_rate, 1)} detail={`${count(r.unknown)} of ${count(r.recognitions)}`} testId="an-unknown-rate" />
                  <Stat label="No match" value={count(r.nomatch)} testId="an-nomatch" />
                  <Stat label="Timeout" value={count(r.timeout)} testId="an-timeout" />
                  <Stat label="error3" value={count(r.error3)} testId="an-error3" />
                </dl>
                <CategoryChart
                  testId="an-recognition-chart"
                  categoryLabel="Failure"
                  height={160}
                  categories={["No match", "Timeout", "error3"]}
                  summary={`No match ${r.nomatch}, timeout ${r.timeout}, error3 ${r.error3}.`}
                  series={[{ label: "Times", values: [r.nomatch, r.timeout, r.error3], color: "danger" }]}
                />
              </ChartCard>
            );
          }}
        </Loaded>
      </div>

      <div className="an-grid">
        <Loaded state={intents} title="Intents">
          {(figure) => {
            const total = figure.rows.reduce((sum, r) => sum + r.count, 0);
            return (
              <ChartCard<IntentRow>
                title="Intent distribution"
                figure="intents"
                filters={filters}
                testId="an-intents"
                table={{
                  rows: figure.rows,
                  rowKey: (r) => r.intent,
                  columns: [
                    { key: "intent", header: "Intent", render: (r) => <span className="mono">{r.intent}</span> },
                    { key: "count", header: "Times", render: (r) => count(r.count) },
                    { key: "share", header: "Share", render: (r) => share(r.count, total) },
                  ],
                }}
              >
                <CategoryChart
                  testId="an-intents-chart"
                  categoryLabel="Intent"
                  categories={figure.rows.map((r) => r.intent)}
                  summary={`Intents recognised: ${figure.rows.map((r) => `${r.intent} ${r.count}`).join(", ") || "none"}.`}
                  series={[{ label: "Times", values: figure.rows.map((r) => r.count), color: "primary" }]}
                />
              </ChartCard>
            );
          }}
        </Loaded>

        <Loaded state={interfaces} title="Business interfaces">
          {(figure) => (
            <ChartCard<InterfaceRow>
              title="Business interfaces"
              figure="interfaces"
              filters={filters}
              testId="an-interfaces"
              table={{
                rows: figure.rows,
                rowKey: (r) => r.interface,
                columns: [
                  { key: "name", header: "Interface", render: (r) => <span className="mono">{r.interface}</span> },
                  { key: "calls", header: "Calls", render: (r) => count(r.calls) },
                  { key: "failures", header: "Failures", render: (r) => `${count(r.failures)} (${share(r.failures, r.calls)})` },
                  { key: "timeouts", header: "Timeouts", render: (r) => count(r.timeouts) },
                ],
              }}
            >
              <CategoryChart
                testId="an-interfaces-chart"
                  categoryLabel="Interface"
                categories={figure.rows.map((r) => r.interface)}
                summary={`Business interfaces: ${figure.rows.map((r) => `${r.interface} ${r.calls} calls, ${r.failures} failures, ${r.timeouts} timeouts`).join("; ") || "none called"}.`}
                series={[
                  { label: "Calls", values: figure.rows.map((r) => r.calls), color: "primary" },
                  { label: "Failures", values: figure.rows.map((r) => r.failures), color: "warning" },
                  { label: "Timeouts", values: figure.rows.map((r) => r.timeouts), color: "danger" },
                ]}
              />
            </ChartCard>
          )}
        </Loaded>
      </div>
    </div>
  );
}
