// Figures turned into what a chart draws: every period of the range in order (the API leaves
// out periods without calls: they are zero calls, not a gap), and labels for categories.
import type { CallRow, Granularity } from "../../api/analytics";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The API's name of the period an instant falls in (UTC). */
export function periodName(at: number, granularity: Granularity): string {
  const iso = new Date(at).toISOString();
  return granularity === "hour" ? `${iso.slice(0, 13)}:00Z` : iso.slice(0, 10);
}

/** The start of every period from `from` (inclusive) to `to` (exclusive), in ms. */
export function periodStarts(from: string, to: string, granularity: Granularity): number[] {
  const step = granularity === "hour" ? HOUR_MS : DAY_MS;
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (Number.isNaN(start) || Number.isNaN(end)) return [];
  const first = Math.floor(start / step) * step;
  const out: number[] = [];
  for (let at = first; at < end && out.length < 20_000; at += step) out.push(at);
  return out;
}

export interface CallSeries {
  /** Period starts in seconds (uPlot's time unit). */
  x: number[];
  periods: string[];
  calls: number[];
  contained: number[];
  transferred: number[];
  abandoned: number[];
  turnsPerCall: (number | null)[];
  p50: (number | null)[];
  p95: (number | null)[];
}

/** One point per period of the range: counts 0 where no call started, rates and latency null. */
export function callSeries(rows: readonly CallRow[], from: string, to: string, granularity: Granularity): CallSeries {
  const byPeriod = new Map(rows.map((r) => [r.period, r]));
  const starts = periodStarts(from, to, granularity);
  const periods = starts.map((at) => periodName(at, granularity));
  // A row the range does not cover (it should not happen) still shows, in its place.
  for (const row of rows) if (!periods.includes(row.period)) periods.push(row.period);
  periods.sort();
  const row = (p: string) => byPeriod.get(p);
  return {
    x: periods.map((p) => Date.parse(p.length === 10 ? `${p}T00:00:00Z` : p) / 1000),
    periods,
    calls: periods.map((p) => row(p)?.calls ?? 0),
    contained: periods.map((p) => row(p)?.contained ?? 0),
    transferred: periods.map((p) => row(p)?.transferred ?? 0),
    abandoned: periods.map((p) => row(p)?.abandoned ?? 0),
    turnsPerCall: periods.map((p) => row(p)?.turns_per_call ?? null),
    p50: periods.map((p) => row(p)?.latency_p50_ms ?? null),
    p95: periods.map((p) => row(p)?.latency_p95_ms ?? null),
  };
}

/** `part` of `whole` as a percentage for reading ("—" without a whole). */
export function share(part: number, whole: number): string {
  if (!whole) return "—";
  const value = (part / whole) * 100;
  return `${value >= 99.95 || value === 0 ? value.toFixed(0) : value.toFixed(1)}%`;
}

export function millis(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : value.toLocaleString();
}

/** The CSV file's name: the figure and its range. */
export function csvName(figure: string, from: string, to: string): string {
  return `oiap-${figure}-${from.slice(0, 10)}-${to.slice(0, 10)}.csv`;
}
