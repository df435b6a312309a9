// An intent's slots as the intents editor shows them: a pattern, or canonical values typed
// one per line as "canonical: synonym, synonym" (docs/bot-format.md, domains/<name>.yaml).
import type { Slot } from "../../api/bots";

export type SlotKind = "regex" | "values";

export interface SlotDraft {
  name: string;
  kind: SlotKind;
  regex: string;
  /** One canonical value per line, its synonyms after a colon, separated by commas. */
  values: string;
}

export const REGEX_MAX = 1024;
const isControl = (char: string) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f;

export const newSlot = (): SlotDraft => ({ name: "", kind: "values", regex: "", values: "" });

export function formatValues(values: Record<string, string[]>): string {
  return Object.entries(values)
    .map(([canonical, synonyms]) => (synonyms.length ? `${canonical}: ${synonyms.join(", ")}` : canonical))
    .join("\n");
}

/** Canonical values with their synonyms, in the order typed; blank lines are skipped. */
export function parseValues(text: string): { values: Record<string, string[]>; repeated: string[] } {
  const values: Record<string, string[]> = {};
  const repeated: string[] = [];
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    const canonical = (colon < 0 ? line : line.slice(0, colon)).trim();
    if (!canonical) continue;
    const synonyms = colon < 0 ? [] : line.slice(colon + 1).split(",").map((s) => s.trim()).filter(Boolean);
    if (Object.hasOwn(values, canonical)) repeated.push(canonical);
    values[canonical] = [...new Set([...(values[canonical] ?? []), ...synonyms])];
  }
  return { values, repeated };
}

export function slotDraft(slot: Slot): SlotDraft {
  const isRegex = slot.regex !== undefined && slot.regex !== null;
  return { name: slot.name, kind: isRegex ? "regex" : "values", regex: slot.regex ?? "", values: formatValues(slot.values ?? {}) };
}

/** The slot as the domain PUT takes it: exactly one of regex and values. */
export function slotOf(draft: SlotDraft): Slot {
  const name = draft.name.trim();
  return draft.kind === "regex" ? { name, regex: draft.regex } : { name, values: parseValues(draft.values).values };
}

/** What the server would refuse in one intent's slots, in words naming the slot. */
export function slotProblems(intent: string, slots: SlotDraft[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  slots.forEach((slot, index) => {
    const name = slot.name.trim();
    const label = `Slot ${name || index + 1} of ${intent || "the new intent"}`;
    if (!name) problems.push(`${label} needs a name.`);
    else if ([...name].some(isControl)) problems.push(`${label}: the name may not hold control characters.`);
    else if (seen.has(name)) problems.push(`${label} is named twice.`);
    seen.add(name);
    if (slot.kind === "regex") {
      if (!slot.regex) problems.push(`${label} needs a pattern.`);
      else if (slot.regex.length > REGEX_MAX) problems.push(`${label}: the pattern is longer than ${REGEX_MAX} characters.`);
    } else {
      const { values, repeated } = parseValues(slot.values);
      if (Object.keys(values).length === 0) problems.push(`${label} needs at least one value.`);
      for (const value of repeated) problems.push(`${label}: the value "${value}" is listed twice.`);
    }
  });
  return problems;
}
