// What each node kind carries and how it looks: one table that the graph, the palette and
// the inspector all read, so a kind is described once (docs/bot-format.md "Nodes").
import type { FlowNode, JsonValue, NodeKind, Params } from "../../api/flows";
import { isNodeKind } from "../../api/flows";

export const PRESET_CONDITIONS = [
  "timeout1",
  "timeout2",
  "nomatch1",
  "nomatch2",
  "error3",
  "SYSERROR_INNER",
  "SYSERROR_INTERFACE",
] as const;

export const REPLY_MODES = [
  "play",
  "asr",
  "dtmf",
  "asr_dtmf",
  "asr_after",
  "asr_dtmf_after",
  "dtmf_no_barge",
] as const;

export const MENU_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#"] as const;
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const TRANS_TYPES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 31, 32, 33, 34] as const;

/** Lists the inspector can offer as suggestions for a field (fetched from the tenant). */
export type Suggestion = "templates" | "interfaces" | "domains" | "flows" | "faq" | "variables";

export type FieldSpec =
  | { name: string; label: string; type: "text" | "multiline"; suggest?: Suggestion }
  | { name: string; label: string; type: "select"; options: readonly (string | number)[] }
  | { name: string; label: string; type: "int"; min: number; max: number }
  | { name: string; label: string; type: "number"; min: number; max: number; step: number }
  | { name: string; label: string; type: "map"; keyLabel: string; valueLabel: string }
  | { name: string; label: string; type: "list"; suggest?: Suggestion }
  | { name: string; label: string; type: "periods" };

export interface KindSpec {
  kind: NodeKind;
  title: string;
  /** Hue of the node's colour; the theme decides lightness, so both themes stay readable. */
  hue: number;
  /** Takes one of text / template / audio. */
  prompt: boolean;
  fields: readonly FieldSpec[];
  required: readonly string[];
  /** The kind's own `on:` outcomes besides the presets. */
  outcomes: readonly string[];
  /** Branch conditions beyond `on:` that make sense here. */
  conditions: readonly ("key" | "intent" | "when")[];
  /** Nothing may follow (end, subflow). */
  terminal: boolean;
  /** Parameters a new node of this kind starts with. */
  defaults: Params;
  help: string;
}

const TIMEOUT: FieldSpec = { name: "timeout", label: "Timeout (s)", type: "int", min: 1, max: 180 };

function spec(kind: NodeKind, title: string, hue: number, rest: Partial<KindSpec>): KindSpec {
  return {
    kind,
    title,
    hue,
    prompt: false,
    fields: [],
    required: [],
    outcomes: [],
    conditions: [],
    terminal: false,
    defaults: {},
    help: "",
    ...rest,
  };
}

export const KINDS: Record<NodeKind, KindSpec> = {
  start: spec("start", "Start", 140, { help: "Where every call of the flow begins." }),
  reply: spec("reply", "Reply", 210, {
    prompt: true,
    fields: [{ name: "mode", label: "Reply mode", type: "select", options: REPLY_MODES }, TIMEOUT],
    defaults: { text: "", mode: "asr" },
    help: "Says a prompt and, unless the mode is play, waits for the caller.",
  }),
  playback: spec("playback", "Playback", 195, {
    prompt: true,
    outcomes: ["failure"],
    defaults: { text: "" },
    help: "Plays a prompt; collects nothing.",
  }),
  collect: spec("collect", "Collect digits", 265, {
    prompt: true,
    fields: [
      { name: "variable", label: "Store in variable", type: "text", suggest: "variables" },
      { name: "max_digits", label: "Max digits", type: "int", min: 1, max: 32 },
      { name: "terminator", label: "Terminator", type: "select", options: ["#", "*", ""] },
      TIMEOUT,
    ],
    required: ["variable"],
    defaults: { text: "", variable: "FLOW.", max_digits: 12, terminator: "#" },
    help: "Plays a prompt and collects keys into a variable.",
  }),
  menu: spec("menu", "Menu", 235, {
    prompt: true,
    fields: [
      TIMEOUT,
      { name: "max_failures", label: "Max failures", type: "int", min: 1, max: 9 },
      { name: "error_text", label: "Error text", type: "multiline" },
      { name: "timeout_text", label: "Timeout text", type: "multiline" },
    ],
    outcomes: ["failure"],
    conditions: ["key"],
    defaults: { text: "", timeout: 8, max_failures: 3 },
    help: "A key-press menu: one branch per key, and failure.",
  }),
  recognize: spec("recognize", "Recognize intent", 290, {
    fields: [
      { name: "domain", label: "Domain", type: "text", suggest: "domains" },
      { name: "threshold", label: "Threshold", type: "number", min: 0, max: 1, step: 0.05 },
      { name: "input", label: "Input variable", type: "text", suggest: "variables" },
    ],
    required: ["domain"],
    conditions: ["intent"],
    defaults: { domain: "", threshold: 0.6 },
    help: "Recognises the caller's intent in a domain: one branch per intent.",
  }),
  judge: spec("judge", "Judge", 45, {
    conditions: ["when"],
    help: "Takes the first branch whose expression holds, else the default.",
  }),
  assign: spec("assign", "Assign", 25, {
    fields: [{ name: "assignments", label: "Assignments", type: "map", keyLabel: "Variable", valueLabel: "Expression" }],
    required: ["assignments"],
    defaults: { assignments: { "FLOW.": "" } },
    help: "Sets variables from expressions (SYS.language switches the language).",
  }),
  invoke: spec("invoke", "Invoke interface", 175, {
    fields: [
      { name: "interface", label: "Interface", type: "text", suggest: "interfaces" },
      { name: "inputs", label: "Inputs", type: "map", keyLabel: "Parameter", valueLabel: "Text" },
      { name: "outputs", label: "Outputs", type: "map", keyLabel: "Parameter", valueLabel: "Variable" },
    ],
    required: ["interface"],
    defaults: { interface: "", inputs: {}, outputs: {} },
    help: "Calls a business interface; SYSERROR_INTERFACE when it fails.",
  }),
  transfer: spec("transfer", "Transfer", 0, {
    fields: [
      { name: "trans_type", label: "Transfer type", type: "select", options: TRANS_TYPES },
      { name: "route", label: "Route", type: "text" },
      { name: "data", label: "Data", type: "text" },
    ],
    required: ["trans_type"],
    outcomes: ["failure"],
    defaults: { trans_type: 1, route: "" },
    help: "Transfers the call (to an agent queue, a number ...); ends the flow.",
  }),
  subflow: spec("subflow", "Sub-flow", 320, {
    fields: [
      { name: "flow", label: "Flow", type: "text", suggest: "flows" },
      { name: "node", label: "Start at node", type: "text" },
    ],
    required: ["flow"],
    terminal: true,
    defaults: { flow: "" },
    help: "Hands the call to another flow; nothing may follow.",
  }),
  query: spec("query", "Queue query", 60, {
    fields: [
      { name: "prompt_type", label: "Prompt type", type: "select", options: [1, 2, 3, 5] },
      { name: "skill_id", label: "Skill id", type: "text" },
    ],
    required: ["prompt_type"],
    defaults: { prompt_type: 1 },
    help: "Asks the IVR for the queue state.",
  }),
  clear_errors: spec("clear_errors", "Clear errors", 90, {
    help: "Resets the timeout and no-match counters.",
  }),
  time: spec("time", "Time", 110, {
    fields: [
      { name: "timezone", label: "Time zone (IANA)", type: "text" },
      { name: "periods", label: "Opening periods", type: "periods" },
    ],
    required: ["timezone", "periods"],
    outcomes: ["open", "closed"],
    defaults: {
      timezone: "UTC",
      periods: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "08:00", to: "20:00" }],
    },
    help: "Branches on opening hours: open or closed.",
  }),
  qa: spec("qa", "Q&A lookup", 160, {
    fields: [
      { name: "groups", label: "FAQ groups", type: "list", suggest: "faq" },
      { name: "input", label: "Input variable", type: "text", suggest: "variables" },
    ],
    outcomes: ["found", "notfound"],
    defaults: { groups: [] },
    help: "Looks the caller's words up in FAQ groups: found or notfound.",
  }),
  end: spec("end", "End", 0, {
    fields: [{ name: "reason", label: "Reason", type: "text" }],
    terminal: true,
    help: "Ends the call.",
  }),
};

/** The spec of a node's kind, or null for a kind the platform does not know. */
export function kindOf(node: Pick<FlowNode, "kind">): KindSpec | null {
  return isNodeKind(node.kind) ? KINDS[node.kind] : null;
}

/** Every `on:` condition a kind's branch may use, the kind's own first. */
export function onConditions(kind: KindSpec | null): string[] {
  return [...(kind?.outcomes ?? []), ...PRESET_CONDITIONS, "default"];
}

function text(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function clip(value: string, length = 48): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** The parameter that tells nodes of a kind apart at a glance, shown on the graph. */
export function keyParameter(node: FlowNode): string {
  const p = node.params ?? {};
  const prompt = (): string =>
    p.template !== undefined
      ? `template ${text(p.template)}`
      : p.audio !== undefined
        ? `audio ${text(p.audio)}`
        : text(p.text);
  switch (node.kind) {
    case "reply":
      return clip(`${p.mode !== undefined ? `[${text(p.mode)}] ` : ""}${prompt()}`);
    case "playback":
    case "menu":
      return clip(prompt());
    case "collect":
      return clip(`→ ${text(p.variable)}`);
    case "recognize":
      return clip(`domain ${text(p.domain)}`);
    case "judge":
      return `${(node.branches ?? []).filter((b) => b.when).length} conditions`;
    case "assign": {
      const targets = Object.keys(
        typeof p.assignments === "object" && p.assignments !== null && !Array.isArray(p.assignments)
          ? p.assignments
          : {},
      );
      return clip(targets.join(", "));
    }
    case "invoke":
      return clip(text(p.interface));
    case "transfer":
      return clip(`type ${text(p.trans_type)}${p.route ? ` → ${text(p.route)}` : ""}`);
    case "subflow":
      return clip(`→ ${text(p.flow)}${p.node ? ` @${text(p.node)}` : ""}`);
    case "query":
      return clip(`prompt type ${text(p.prompt_type)}`);
    case "time":
      return clip(text(p.timezone));
    case "qa":
      return clip(Array.isArray(p.groups) ? p.groups.map((g) => text(g)).join(", ") : "");
    case "end":
      return clip(p.reason !== undefined ? `reason ${text(p.reason)}` : "");
    default:
      return "";
  }
}
