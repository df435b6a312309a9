/** A server timestamp (ISO 8601) in the reader's locale; the raw text when unparseable. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return iso;
  return moment.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function formatMillis(millis: number | null | undefined): string {
  if (millis === null || millis === undefined) return "";
  return formatTime(new Date(millis).toISOString());
}

export const percent = (value: number): string => `${(value * 100).toFixed(value >= 0.995 || value === 0 ? 0 : 1)}%`;
