// The flow as the management API and the bot folder write it (docs/bot-format.md).
// The workspace edits this shape directly: it is the single source of truth, and the graph
// on screen is derived from it. Below the types: the calls of the flow workspace
// (console-contract.md "New workbench routes").
import { api, listAll, seg } from "./client";
import type { DraftDiff, Version } from "./versions";

export const NODE_KINDS = [
  "start",
  "reply",
  "playback",
  "collect",
  "menu",
  "recognize",
  "judge",
  "assign",
  "invoke",
  "transfer",
  "subflow",
  "query",
  "clear_errors",
  "time",
  "qa",
  "end",
] as const;

export type NodeKind = (typeof NODE_KINDS)[number];

export type Scenario = "Default" | "subFlow" | "SYS_ERROR_DEFAULT";

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

export type Params = Record<string, JsonValue>;

/** A connection line: at most one of on/key/intent/when; none means the default branch. */
export interface Branch {
  to: string;
  on?: string | null;
  key?: string | null;
  intent?: string | null;
  when?: string | null;
}

export interface FlowNode {
  id: string;
  /** A NodeKind once valid; kept open because a draft may say anything until validated. */
  kind: string;
  name?: string;
  params?: Params;
  branches?: Branch[];
}

export type VariableType = "integer" | "string" | "long" | "float" | "list" | "object";

export interface FlowVariable {
  name: string;
  type?: VariableType;
  default?: JsonValue;
  description?: string;
}

/** The body of PUT /oiap/v1/flows/{code} and the `flow` of a version. */
export interface Flow {
  code?: string;
  name: string;
  scenario?: Scenario;
  description?: string;
  variables?: FlowVariable[];
  nodes: FlowNode[];
}

export function isNodeKind(kind: string): kind is NodeKind {
  return (NODE_KINDS as readonly string[]).includes(kind);
}

/** GET /oiap/v1/flows/{code}: the draft with its state (read-only fields are dropped on PUT). */
export interface FlowDetail extends Flow {
  code: string;
  flow_id: number;
  /** INITIAL until a version is published, then VALID. */
  status: string;
  latest_version?: number | null;
  default_version?: number | null;
  created_at: string;
  updated_at: string;
}

/** A published version with its flow; the summary fields are versions.ts's `Version`. */
export interface VersionDetail extends Version {
  flow: Flow;
}

/** One problem of POST validate: where it is (node, branch index, parameter) and what. */
export interface Problem {
  message: string;
  /** The publish check's name (docs/bot-format.md), e.g. "unknown-target". */
  rule?: string;
  node: string | null;
  branch: number | null;
  field: string | null;
}

/** GET /flows/{code}/diff: the draft against the live version (versions.ts reads it too). */
export type FlowDiff = DraftDiff;

export type Channel = "voice" | "chat";
export type TestCallVersion = number | "draft";

export interface StubAnswer {
  json?: JsonValue;
  status?: number;
}

export interface TestCallStart {
  flow: string;
  version: TestCallVersion;
  channel?: Channel;
  callingNumber?: string;
  stubs?: Record<string, StubAnswer>;
  useTestStubs?: boolean;
}

export interface IntentScore {
  code: string;
  score: number;
}

export interface Turn {
  action: "prompt" | "transfer" | "release" | "query" | "error";
  text: string;
  mode: string;
  outaction: number;
  outparams: Record<string, JsonValue>;
  path: string[];
  node: string | null;
  variables: Record<string, JsonValue>;
  intent: null | (IntentScore & { ranking: IntentScore[] });
  input: string | null;
  /** What the simulator adds for the author (e.g. which stub an interface answered from). */
  notes?: string[];
}

/** ok / fail: the IVR's report after a transfer. */
export type TestInputKind = "text" | "keys" | "timeout" | "nomatch" | "hangup" | "ok" | "fail";

export interface TestInput {
  kind: TestInputKind;
  value?: string;
}

export interface SavedTest {
  file: string;
  text: string;
}

export interface ConversationTestFile {
  file: string;
  text: string;
  names: string[];
}

export interface TestResult {
  file: string;
  name: string;
  passed: boolean;
  failures: string[];
}

export interface TestRun {
  results: TestResult[];
  passed: number;
  failed: number;
}

// -- calls ------------------------------------------------------------------------------

const flowPath = (code: string) => `/flows/${seg(code)}`;

export const getFlow = (code: string, signal?: AbortSignal) =>
  api.get<FlowDetail>(flowPath(code), { signal });

const READ_ONLY = ["flow_id", "status", "latest_version", "default_version", "created_at", "updated_at"];

/** The flow as a PUT body: the read-only fields a GET adds are left out. */
export function draftBody(flow: Flow): Flow {
  const body = { ...flow } as Record<string, unknown>;
  for (const field of READ_ONLY) delete body[field];
  return body as unknown as Flow;
}

/** Replaces the draft (or creates the flow); answers the stored draft. */
export const putDraft = (code: string, flow: Flow, signal?: AbortSignal) =>
  api.put<FlowDetail>(flowPath(code), { ...draftBody(flow), code }, { signal });

export const listFlowVersions = (code: string, signal?: AbortSignal) =>
  listAll<Version>(`${flowPath(code)}/versions`, signal);

export const getFlowVersion = (code: string, number: number, signal?: AbortSignal) =>
  api.get<VersionDetail>(`${flowPath(code)}/versions/${seg(number)}`, { signal });

/** The publishing checks on an unsaved draft. */
export const validateFlow = (code: string, flow: Flow, signal?: AbortSignal) =>
  api.post<{ problems: Problem[] }>(`${flowPath(code)}/validate`, { ...draftBody(flow), code }, { signal });

export const getFlowDiff = (code: string, signal?: AbortSignal) =>
  api.get<FlowDiff>(`${flowPath(code)}/diff`, { signal });

export const startTestCall = (start: TestCallStart) =>
  api.post<{ id: string; turns: Turn[] }>("/test-calls", start);

export const sendTestInput = (id: string, input: TestInput) =>
  api.post<{ turns: Turn[] }>(`/test-calls/${seg(id)}/input`, input);

export const hangUpTestCall = (id: string) => api.delete(`/test-calls/${seg(id)}`);

/** The conversation so far becomes a conversation test stored with the tenant's bot. */
export const saveTestCall = (id: string, name: string, file: string) =>
  api.post<SavedTest>(`/test-calls/${seg(id)}/save`, { name, file });

export const listConversationTests = (signal?: AbortSignal) =>
  api.get<{ items: ConversationTestFile[] }>("/conversation-tests", { signal });

export const runConversationTests = (options: { files?: string[]; version?: TestCallVersion } = {}) =>
  api.post<TestRun>("/conversation-tests/run", options);
