// Gray rules as the releases page edits them: one rule per version, calling numbers listed
// exactly or as prefixes, typed as text (one per line, or separated by commas or spaces).
import type { GrayRule } from "../api/versions";

/** Calling numbers are printable, at most 32 characters (api/manage/versions.py). */
export const CALLING_NUMBER_MAX = 32;

export interface ParsedList {
  values: string[];
  problems: string[];
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Splits a typed list of numbers; drops blanks and repeats, keeps the order typed. */
export function parseNumberList(text: string): ParsedList {
  const values: string[] = [];
  const problems: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const value = raw.trim();
    if (!value || values.includes(value)) continue;
    if (value.length > CALLING_NUMBER_MAX) problems.push(`"${value}" is longer than ${CALLING_NUMBER_MAX} characters.`);
    else if (CONTROL.test(value)) problems.push(`"${value}" holds a control character.`);
    else values.push(value);
  }
  return { values, problems };
}

export const formatNumberList = (values: readonly string[]): string => values.join("\n");

/** A gray rule being edited: the version and the two lists as typed. */
export interface GrayRuleDraft {
  version: number;
  numbers: string;
  prefixes: string;
}

export const toDrafts = (rules: readonly GrayRule[]): GrayRuleDraft[] =>
  rules.map((rule) => ({ version: rule.version, numbers: formatNumberList(rule.numbers), prefixes: formatNumberList(rule.prefixes) }));

export interface RoutingCheck {
  rules: GrayRule[];
  problems: string[];
}

/** Checks what the server would refuse (10000002), so the user sees it before saving. */
export function checkRouting(defaultVersion: number | null, drafts: readonly GrayRuleDraft[], versions: readonly number[]): RoutingCheck {
  const problems: string[] = [];
  const rules: GrayRule[] = [];
  const seen = new Set<number>();
  if (defaultVersion === null) problems.push("Pick the default version.");
  else if (!versions.includes(defaultVersion)) problems.push(`Version ${defaultVersion} does not exist.`);
  for (const draft of drafts) {
    const numbers = parseNumberList(draft.numbers);
    const prefixes = parseNumberList(draft.prefixes);
    const label = `Gray rule for version ${draft.version}`;
    problems.push(...numbers.problems.map((p) => `${label}: ${p}`), ...prefixes.problems.map((p) => `${label}: ${p}`));
    if (!versions.includes(draft.version)) problems.push(`${label}: the version does not exist.`);
    if (draft.version === defaultVersion) problems.push(`${label}: the default version takes every other call already; it needs no gray rule.`);
    if (seen.has(draft.version)) problems.push(`${label}: a version has one gray rule at most.`);
    if (numbers.values.length === 0 && prefixes.values.length === 0) problems.push(`${label}: name at least one calling number or prefix.`);
    seen.add(draft.version);
    rules.push({ version: draft.version, numbers: numbers.values, prefixes: prefixes.values });
  }
  return { rules, problems };
}

/**
 * The version a calling number gets, as the server decides: an exact number beats any
 * prefix, a longer prefix a shorter one; otherwise the default.
 */
export function versionFor(callingNumber: string, defaultVersion: number | null, rules: readonly GrayRule[]): number | null {
  const number = callingNumber.trim();
  for (const rule of rules) if (rule.numbers.includes(number)) return rule.version;
  let best: { length: number; version: number } | null = null;
  for (const rule of rules) {
    for (const prefix of rule.prefixes) {
      if (number.startsWith(prefix) && (!best || prefix.length > best.length)) best = { length: prefix.length, version: rule.version };
    }
  }
  return best ? best.version : defaultVersion;
}

/** A short text for a rule, e.g. "139…, 13800000000 (+3 more)". */
export function describeRule(rule: { numbers: readonly string[]; prefixes: readonly string[] }, shown = 3): string {
  const all = [...rule.prefixes.map((p) => `${p}…`), ...rule.numbers];
  const head = all.slice(0, shown).join(", ");
  return all.length > shown ? `${head} (+${all.length - shown} more)` : head;
}
