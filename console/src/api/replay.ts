// Replaying recorded calls on a flow's draft or version (docs/api.md "Replaying calls"): the
// regression test before a publish. It runs while the request waits (minutes for 500 calls).
import { api } from "./client";
import type { TestInput } from "./flows";

export type ReplayOutcome = "contained" | "transferred" | "abandoned" | "unfinished" | "failed";
export type RecordedOutcome = Exclude<ReplayOutcome, "failed">;
export type ReplayChange = "outcome" | "intent" | "endNode" | "inputs";

export interface ReplayTarget {
  flow: string;
  version: number | "draft";
}

export interface ReplayFilters {
  since?: string;
  until?: string;
  accessCode?: string;
  /** The version the recorded calls ran on. */
  version?: number;
  callingNumber?: string;
  outcome?: RecordedOutcome;
  /** 1 to 500 (the server's default 100). */
  limit?: number;
}

export interface ReplayStep {
  action: "prompt" | "transfer" | "release" | "query" | "error";
  node: string | null;
  path: string[];
  intent: string | null;
  text: string;
  interfaces: unknown;
}

export interface ReplayTurn {
  /** As `oiap chat` writes it: `#0`, `/timeout`, text; null for the start of the call. */
  input: string | null;
  intents: string[];
  steps: ReplayStep[];
}

export interface ReplayRun {
  outcome: ReplayOutcome;
  endNode: string | null;
  detail: string | null;
  turns: ReplayTurn[];
}

export interface SimulatorStart {
  flow: string;
  version: number | "draft";
  channel: "voice" | "chat";
  callingNumber?: string;
  at?: string;
  inputs: TestInput[];
}

export interface ReplayedCall {
  callId: string;
  callingNumber: string;
  accessCode: string;
  at: string;
  flow: string;
  version: number;
  changed: boolean;
  changes: ReplayChange[];
  differences: string[];
  notes: string[];
  original: ReplayRun;
  replayed: ReplayRun;
  simulator: SimulatorStart;
}

export interface ReplaySummary {
  calls: number;
  changed: number;
  unchanged: number;
  byChange: Record<ReplayChange, number>;
  outcomeChanges: Record<string, number>;
  originalOutcomes: Record<string, number>;
  replayedOutcomes: Record<string, number>;
}

export interface ReplayReport {
  target: ReplayTarget;
  summary: ReplaySummary;
  notes: string[];
  calls: ReplayedCall[];
}

export const MAX_REPLAY_CALLS = 500;

export const runReplay = (body: { target: ReplayTarget; filters: ReplayFilters }, signal?: AbortSignal) =>
  api.post<ReplayReport>("/replays", body, { signal });
