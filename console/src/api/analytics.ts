// The tenant's figures (docs/api.md "Analytics"): calls and outcomes by period, transfers,
// recognition, intents, business interfaces, per-node figures of a flow version, and the
// inbox of utterances the bot did not understand. Every figure also comes as CSV.
import { api, API_PREFIX, errorFromResponse, getTenantId, ApiError, NETWORK_ERROR } from "./client";

export type Granularity = "hour" | "day";

/** The filters every figure takes; `from`/`to` are ISO 8601 (the server cuts at UTC hours). */
export interface AnalyticsFilters {
  from?: string;
  to?: string;
  accessCode?: string;
  flow?: string;
  version?: number;
  granularity?: Granularity;
}

/** Every figure: its column names and one object per row (extra fields per figure). */
export interface Figure<Row> {
  columns: string[];
  rows: Row[];
  from: string;
  to: string;
  granularity: Granularity;
}

export interface CallRow {
  period: string;
  calls: number;
  contained: number;
  transferred: number;
  abandoned: number;
  turns: number;
  turns_per_call: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
}

export type CallTotals = Omit<CallRow, "period">;

export interface CallsFigure extends Figure<CallRow> {
  totals: CallTotals;
}

export interface TransferRow {
  transfer_type: number;
  calls: number;
}

export interface RecognitionRow {
  recognitions: number;
  unknown: number;
  unknown_rate: number | null;
  nomatch: number;
  timeout: number;
  error3: number;
}

export interface IntentRow {
  intent: string;
  count: number;
}

export interface InterfaceRow {
  interface: string;
  calls: number;
  failures: number;
  timeouts: number;
}

export interface NodeRow {
  node: string;
  visits: number;
  exits: number;
  drop_offs: number;
  hangups: number;
  errors: number;
}

export interface ExitRow {
  node: string;
  /** The flow's branch label: `default`, `key 1`, `intent balance`, `on nomatch1`, ... */
  branch: string;
  to: string;
  count: number;
}

export interface NodesFigure extends Figure<NodeRow> {
  flow: string;
  version: number;
  exits: ExitRow[];
  error_kinds: Record<string, Record<string, number>>;
}

export interface NotUnderstoodRow {
  /** The group's most frequent wording. */
  group: string;
  count: number;
  /** What the group's utterances were answered: intent code → times. */
  intents: Record<string, number>;
  examples: string[];
}

export interface NotUnderstoodFigure extends Figure<NotUnderstoodRow> {
  sampled: number;
}

export interface ExampleAdded {
  domain: string;
  intent: string;
  examples: string[];
}

/** The figures' routes, by the name the CSV file gets. */
export const FIGURE_PATHS = {
  calls: "/analytics/calls",
  transfers: "/analytics/transfers",
  recognition: "/analytics/recognition",
  intents: "/analytics/intents",
  interfaces: "/analytics/interfaces",
  nodes: "/analytics/nodes",
  "node-exits": "/analytics/nodes/exits",
  "not-understood": "/analytics/not-understood",
} as const;

export type FigureName = keyof typeof FIGURE_PATHS;

type Query = Record<string, string | number | undefined>;

export function queryOf(filters: AnalyticsFilters, more: Query = {}): Query {
  return {
    from: filters.from,
    to: filters.to,
    accessCode: filters.accessCode || undefined,
    flow: filters.flow || undefined,
    version: filters.version,
    granularity: filters.granularity,
    ...more,
  };
}

const read = <T>(name: FigureName, filters: AnalyticsFilters, signal?: AbortSignal, more?: Query) =>
  api.get<T>(FIGURE_PATHS[name], { query: queryOf(filters, more), signal });

export const getCalls = (f: AnalyticsFilters, signal?: AbortSignal) => read<CallsFigure>("calls", f, signal);
export const getTransfers = (f: AnalyticsFilters, signal?: AbortSignal) => read<Figure<TransferRow>>("transfers", f, signal);
export const getRecognition = (f: AnalyticsFilters, signal?: AbortSignal) => read<Figure<RecognitionRow>>("recognition", f, signal);
export const getIntents = (f: AnalyticsFilters, signal?: AbortSignal) => read<Figure<IntentRow>>("intents", f, signal);
export const getInterfaces = (f: AnalyticsFilters, signal?: AbortSignal) => read<Figure<InterfaceRow>>("interfaces", f, signal);

/** Per node of one flow version (`flow` and `version` are needed), exits included. */
export const getNodeFigures = (f: AnalyticsFilters & { flow: string; version: number }, signal?: AbortSignal) =>
  read<NodesFigure>("nodes", f, signal);

export const getNodeExits = (f: AnalyticsFilters & { flow: string; version: number }, signal?: AbortSignal) =>
  read<Figure<ExitRow>>("node-exits", f, signal);

/** `below`: the confidence under which a recognised utterance counts as not understood. */
export const getNotUnderstood = (f: AnalyticsFilters, below: number, signal?: AbortSignal) =>
  read<NotUnderstoodFigure>("not-understood", f, signal, { below });

/** Adds `text` to the domain's draft as an example of `intent` ("unknown" for Unknown). */
export const addNotUnderstoodExample = (body: { domain: string; intent: string; text: string }) =>
  api.post<ExampleAdded>("/analytics/not-understood/examples", body);

/**
 * The figure as the server's CSV. client.ts only answers JSON, so this one read is made here
 * with the same credentials and tenant header (a plain link would lack the operator's header).
 */
export async function getFigureCsv(name: FigureName, filters: AnalyticsFilters, more: Query = {}): Promise<string> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...queryOf(filters, more), format: "csv" })) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const headers: Record<string, string> = { Accept: "text/csv" };
  const tenantId = getTenantId();
  if (tenantId) headers["tenantId"] = tenantId;
  let response: Response;
  try {
    response = await fetch(`${API_PREFIX}${FIGURE_PATHS[name]}?${params}`, { headers, credentials: "same-origin" });
  } catch (cause) {
    throw new ApiError(0, NETWORK_ERROR, `The server could not be reached (${cause instanceof Error ? cause.message : String(cause)}).`);
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response.text();
}

/** Saves `text` as a file the browser downloads. */
export function saveFile(fileName: string, text: string, type = "text/csv;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
