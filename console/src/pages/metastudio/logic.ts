import type { BadgeTone } from "../../ui";
import type { Dialog, DialogInput } from "../../api/metastudio";

/** The route of the MetaStudio page (relative to the /console basename). */
export const METASTUDIO_PATH = "/metastudio";

/** The most a dialog may run at once (the MetaStudio API's range, 0–1024). */
export const CONCURRENCY_MAX = 1024;
/** An activation code's longest validity in days (0 = never expires). */
export const VALID_PERIOD_MAX = 65535;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function wholeNumber(text: string, low: number, high: number, what: string): Parsed<number> {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, error: `${what} must be a whole number from ${low} to ${high}.` };
  const value = Number(trimmed);
  if (value < low || value > high) return { ok: false, error: `${what} must be from ${low} to ${high}.` };
  return { ok: true, value };
}

/** A dialog's concurrency as typed: empty means none (no job can start), else 0–1024. */
export function parseConcurrency(text: string): Parsed<number | null> {
  if (!text.trim()) return { ok: true, value: null };
  return wholeNumber(text, 0, CONCURRENCY_MAX, "Concurrency");
}

export function parseValidPeriod(text: string): Parsed<number> {
  return wholeNumber(text, 0, VALID_PERIOD_MAX, "Validity");
}

export interface DialogForm {
  name: string;
  concurrency: string;
  description: string;
}

export const formOfDialog = (dialog: Dialog | null): DialogForm => ({
  name: dialog?.name ?? "",
  concurrency: dialog?.concurrency === null || dialog?.concurrency === undefined ? "" : String(dialog.concurrency),
  description: dialog?.description ?? "",
});

/**
 * What to send for a dialog form: every member for a new dialog, only what changed for an
 * existing one (the server keeps what is absent). An error names the first problem.
 */
export function dialogInput(form: DialogForm, original: Dialog | null): Parsed<DialogInput> {
  const name = form.name.trim();
  if (!name) return { ok: false, error: "Give the dialog a name." };
  const concurrency = parseConcurrency(form.concurrency);
  if (!concurrency.ok) return concurrency;
  const description = form.description.trim() || null;
  if (!original) return { ok: true, value: { name, concurrency: concurrency.value, ...(description ? { description } : {}) } };
  const changes: DialogInput = {};
  if (name !== original.name) changes.name = name;
  if (concurrency.value !== original.concurrency) changes.concurrency = concurrency.value;
  if (description !== (original.description || null)) changes.description = description ?? "";
  return { ok: true, value: changes };
}

const STATE_TONES: Record<string, BadgeTone> = {
  PROCESSING: "primary",
  WAITING: "warning",
  SUCCEED: "success",
  FAILED: "danger",
  CANCELED: "neutral",
};

export const jobStateTone = (state: string): BadgeTone => STATE_TONES[state] ?? "neutral";

/** Seconds as "42 s", "3 min 5 s" or "2 h 4 min". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${whole % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The project to show: the one asked for when it exists, else the first. */
export function pickProject<T extends { projectId: string }>(projects: T[], asked: string | null): T | null {
  return projects.find((p) => p.projectId === asked) ?? projects[0] ?? null;
}
