// The analytics page's filters as they stand in the URL (so a view can be shared), and what
// the API gets from them. Dates are whole UTC days, as the server counts them.
import type { AnalyticsFilters, Granularity } from "../../api/analytics";

export interface FilterState {
  /** First day counted, YYYY-MM-DD (UTC). */
  from: string;
  /** Last day counted, inclusive. */
  to: string;
  accessCode: string;
  flow: string;
  /** A version number of `flow` as text, or "" for every version. */
  version: string;
  granularity: Granularity;
}

export const DEFAULT_DAYS = 7;
export const MAX_DAYS = 400;
const DAY_MS = 86_400_000;

const isoDay = (at: Date): string => at.toISOString().slice(0, 10);

function validDay(text: string | null): text is string {
  return !!text && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}

/** The filters of the URL, with the last seven days (today included) by default. */
export function filtersFrom(params: URLSearchParams, now: Date = new Date()): FilterState {
  const to = validDay(params.get("to")) ? (params.get("to") as string) : isoDay(now);
  const from = validDay(params.get("from")) ? (params.get("from") as string) : isoDay(new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_DAYS - 1) * DAY_MS));
  const version = params.get("version") ?? "";
  return {
    from,
    to,
    accessCode: params.get("accessCode") ?? "",
    flow: params.get("flow") ?? "",
    version: /^\d+$/.test(version) ? version : "",
    granularity: params.get("granularity") === "hour" ? "hour" : "day",
  };
}

/** The URL parameters of the filters (defaults left out of nothing: a link says it all). */
export function paramsOf(state: FilterState, keep?: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(keep);
  const set = (key: string, value: string) => (value ? next.set(key, value) : next.delete(key));
  set("from", state.from);
  set("to", state.to);
  set("accessCode", state.accessCode);
  set("flow", state.flow);
  set("version", state.flow ? state.version : "");
  set("granularity", state.granularity === "hour" ? "hour" : "");
  return next;
}

/** Why the range cannot be asked for, or null. */
export function rangeProblem(state: FilterState): string | null {
  const from = Date.parse(`${state.from}T00:00:00Z`);
  const to = Date.parse(`${state.to}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to)) return "Pick both dates.";
  if (to < from) return "The last day is before the first.";
  if ((to - from) / DAY_MS + 1 > MAX_DAYS) return `A range is at most ${MAX_DAYS} days.`;
  return null;
}

/** What the API is asked: the first day's start to the end of the last day, in UTC. */
export function apiFilters(state: FilterState): AnalyticsFilters {
  const end = new Date(Date.parse(`${state.to}T00:00:00Z`) + DAY_MS);
  const version = state.flow && state.version ? Number(state.version) : undefined;
  return {
    from: `${state.from}T00:00:00Z`,
    to: end.toISOString().replace(".000Z", "Z"),
    accessCode: state.accessCode || undefined,
    flow: state.flow || undefined,
    version,
    granularity: state.granularity,
  };
}

/** A cache key for useApi: changes whenever what is asked changes. */
export const filtersKey = (filters: AnalyticsFilters): string => JSON.stringify(filters);
