// The replay form turned into the API's body, and a replayed call laid out turn by turn
// beside its recording.
import type { TestInput } from "../../api/flows";
import type { RecordedOutcome, ReplayFilters, ReplayRun, ReplayStep, ReplayTarget, ReplayTurn } from "../../api/replay";
import { MAX_REPLAY_CALLS } from "../../api/replay";
import { callerLine } from "../../flow/model/callerInput";

export interface ReplayForm {
  flow: string;
  /** "draft" or a version number as text. */
  target: string;
  /** datetime-local values (the reader's local time), or "". */
  since: string;
  until: string;
  accessCode: string;
  /** The recorded calls' version, or "". */
  recordedVersion: string;
  callingNumber: string;
  outcome: "" | RecordedOutcome;
  limit: string;
}

/** A datetime-local value as an ISO instant (it is the reader's local time). */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** An instant as a datetime-local value in the reader's local time. */
export function isoToLocal(at: Date): string {
  const shifted = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/** The body of POST /replays, or the problem that keeps the form from being sent. */
export function replayBody(form: ReplayForm): { target: ReplayTarget; filters: ReplayFilters } | { problem: string } {
  if (!form.flow) return { problem: "Pick the flow to replay on." };
  const since = localToIso(form.since);
  const until = localToIso(form.until);
  if (since && until && until <= since) return { problem: "“Until” must be later than “since”." };
  const limit = Number(form.limit || "100");
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_REPLAY_CALLS) return { problem: `Replay 1 to ${MAX_REPLAY_CALLS} calls.` };
  const filters: ReplayFilters = { limit };
  if (since) filters.since = since;
  if (until) filters.until = until;
  if (form.accessCode.trim()) filters.accessCode = form.accessCode.trim();
  if (form.recordedVersion) filters.version = Number(form.recordedVersion);
  if (form.callingNumber.trim()) filters.callingNumber = form.callingNumber.trim();
  if (form.outcome) filters.outcome = form.outcome;
  const version = form.target === "draft" || !form.target ? "draft" : Number(form.target);
  return { target: { flow: form.flow, version }, filters };
}

export interface SideBySideRow {
  /** The caller's input of the turn (null: the start of the call). */
  input: string | null;
  recorded: ReplayTurn | null;
  replayed: ReplayTurn | null;
  /** Whether the two runs answered this turn differently. */
  different: boolean;
}

function stepKey(step: ReplayStep): string {
  return JSON.stringify([step.action, step.node, step.intent, step.text]);
}

function turnKey(turn: ReplayTurn | null): string {
  return turn === null ? "" : JSON.stringify([turn.intents, turn.steps.map(stepKey)]);
}

/** The recorded and replayed turns paired by position (one turn per caller input). */
export function sideBySide(recorded: ReplayRun, replayed: ReplayRun): SideBySideRow[] {
  const length = Math.max(recorded.turns.length, replayed.turns.length);
  return Array.from({ length }, (_, i) => {
    const a = recorded.turns[i] ?? null;
    const b = replayed.turns[i] ?? null;
    return { input: a?.input ?? b?.input ?? null, recorded: a, replayed: b, different: turnKey(a) !== turnKey(b) };
  });
}

/** The simulator's inputs as a caller would type them in the test call (`#0`, `/ok`, text). */
export function inputLines(inputs: readonly TestInput[]): string[] {
  return inputs.map(callerLine);
}

/** "a -> b" outcome changes, most frequent first. */
export function sortedCounts(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
