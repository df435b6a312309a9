// Branch conditions: which kind of condition a branch has, its label on the graph, and the
// condition a newly drawn connection gets.
import type { Branch, FlowNode } from "../../api/flows";
import { MENU_KEYS, kindOf, PRESET_CONDITIONS } from "./kinds";

export type ConditionKind = "default" | "on" | "key" | "intent" | "when";

export interface Condition {
  kind: ConditionKind;
  value: string;
}

function present(value: string | null | undefined): value is string {
  return value !== undefined && value !== null && value !== "";
}

/** The branch's condition; `on: default` and no condition at all are both the default. */
export function conditionOf(branch: Branch): Condition {
  if (present(branch.on)) {
    return branch.on === "default" ? { kind: "default", value: "" } : { kind: "on", value: branch.on };
  }
  if (present(branch.key)) return { kind: "key", value: String(branch.key) };
  if (present(branch.intent)) return { kind: "intent", value: branch.intent };
  if (present(branch.when)) return { kind: "when", value: branch.when };
  return { kind: "default", value: "" };
}

/** A branch to `to` with exactly the given condition (the other qualifiers absent). */
export function branchWith(to: string, condition: Condition): Branch {
  return condition.kind === "default" ? { to } : { to, [condition.kind]: condition.value };
}

function clip(value: string, length: number): string {
  return value.length > length ? `${value.slice(0, length - 1)}…` : value;
}

/**
 * The label an edge carries: `key: 1`, `intent: balance`, `when: …`, and preset or outcome
 * conditions bare (`timeout1`, `SYSERROR_INTERFACE`, `open`). A default branch is labelled
 * only when its node has other branches, where "default" tells it from them.
 */
export function branchLabel(branch: Branch, siblings: number): string {
  const condition = conditionOf(branch);
  switch (condition.kind) {
    case "default":
      return siblings > 1 ? "default" : "";
    case "on":
      return condition.value;
    case "when":
      return `when: ${clip(condition.value, 40)}`;
    default:
      return `${condition.kind}: ${condition.value}`;
  }
}

function taken(node: FlowNode): Set<string> {
  return new Set(
    (node.branches ?? []).map((b) => {
      const c = conditionOf(b);
      return `${c.kind}:${c.value}`;
    }),
  );
}

/**
 * The condition for a connection drawn from `node`: the first of the node's natural
 * conditions it does not have yet (a menu's next key, a time node's open then closed, a
 * domain's next intent when `intents` are known, the default ...), then the first unused
 * preset. Never an empty intent or expression: the server would read it as the default.
 */
export function suggestCondition(node: FlowNode, intents: readonly string[] = []): Condition {
  const used = taken(node);
  const spec = kindOf(node);
  const own: Condition[] = [
    ...(spec?.conditions.includes("key") ? MENU_KEYS.map((k) => ({ kind: "key" as const, value: k })) : []),
    ...(spec?.outcomes ?? []).map((o) => ({ kind: "on" as const, value: o })),
  ];
  const candidates: Condition[] = [
    ...own,
    { kind: "default", value: "" },
    ...(spec?.conditions.includes("intent")
      ? intents.map((i) => ({ kind: "intent" as const, value: i }))
      : []),
    ...PRESET_CONDITIONS.map((p) => ({ kind: "on" as const, value: p })),
  ];
  return (
    candidates.find((c) => !used.has(`${c.kind}:${c.value}`)) ?? { kind: "default", value: "" }
  );
}
