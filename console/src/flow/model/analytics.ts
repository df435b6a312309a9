// The analytics overlay: per-node figures of a flow version (GET /analytics/nodes) mapped
// onto the graph the flow draws. The flow stays the one source of truth; this is derived
// data keyed by node id and by edge id (`node#branch index`), recomputed from the figures.
import type { NodeRow, ExitRow } from "../../api/analytics";
import type { Branch, Flow } from "../../api/flows";
import { edgeId } from "./graph";
import { kindOf } from "./kinds";

/** Edge stroke widths, in px: an edge nobody took, and the busiest edge. */
export const IDLE_WIDTH = 1;
export const MIN_WIDTH = 2;
export const MAX_WIDTH = 12;

/** Upper bounds of the drop-off rate of colour levels 0..3; above the last is level 4. */
export const DROP_STEPS = [0.05, 0.15, 0.3, 0.5] as const;
export type DropLevel = 0 | 1 | 2 | 3 | 4;
export const DROP_LEVEL_TEXT: Record<DropLevel, string> = {
  0: "under 5%",
  1: "5–15%",
  2: "15–30%",
  3: "30–50%",
  4: "50% or more",
};

export interface NodeMark {
  row: NodeRow;
  /** Calls that ended at the node over its visits (for an end node: callers hanging up). */
  dropRate: number | null;
  level: DropLevel | null;
  errorKinds: Record<string, number>;
  /** The figures in words, for the tooltip and screen readers. */
  text: string;
}

export interface EdgeMark {
  count: number;
  /** Of every exit counted at the source node. */
  share: number | null;
  width: number;
  text: string;
}

export interface Overlay {
  nodes: Map<string, NodeMark>;
  edges: Map<string, EdgeMark>;
  /** Figures of nodes the flow on screen does not have (e.g. the draft removed them). */
  offGraphNodes: NodeRow[];
  /** Exits no branch of the flow on screen matches (sub-flows, exception flows, edits). */
  offGraphExits: ExitRow[];
  /** The busiest edge's count: the widths are relative to it. */
  maxCount: number;
}

/** A branch's label as the server names it: `on timeout1`, `key 1`, `intent x`, `default`. */
export function serverLabel(branch: Branch): string {
  for (const name of ["on", "key", "intent", "when"] as const) {
    const value = branch[name];
    if (value !== undefined && value !== null) return name === "on" && value === "default" ? "default" : `${name} ${value}`;
  }
  return "default";
}

/** Width by traffic: area-like (square root), so a busy branch does not drown the others. */
export function edgeWidth(count: number, max: number): number {
  if (count <= 0 || max <= 0) return IDLE_WIDTH;
  const width = MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * Math.sqrt(Math.min(count / max, 1));
  return Math.round(width * 10) / 10;
}

export function dropLevel(rate: number | null): DropLevel | null {
  if (rate === null || Number.isNaN(rate)) return null;
  const index = DROP_STEPS.findIndex((step) => rate < step);
  return (index === -1 ? 4 : index) as DropLevel;
}

const pct = (rate: number) => `${Math.round(rate * 1000) / 10}%`;

/**
 * Where calls dropped off: the calls that ended at the node over its visits. At an end node
 * every call ends by design, so there only callers hanging up count as dropping off.
 */
export function dropRateOf(row: NodeRow, terminal: boolean): number | null {
  if (row.visits <= 0) return row.drop_offs > 0 ? 1 : null;
  return Math.min((terminal ? row.hangups : row.drop_offs) / row.visits, 1);
}

function nodeText(row: NodeRow, terminal: boolean, kinds: Record<string, number>): string {
  const parts = [`${row.visits} visits`, `${row.exits} exits`];
  const ended = row.visits ? ` (${pct(row.drop_offs / row.visits)})` : "";
  parts.push(`${row.drop_offs} ended here${ended}${terminal ? ", as an end node does" : ""}`);
  parts.push(`${row.hangups} hung up here`);
  const detail = Object.entries(kinds)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(", ");
  parts.push(`${row.errors} errors${detail ? ` (${detail})` : ""}`);
  return parts.join(", ");
}

/** The figures mapped onto the flow's nodes and branches. */
export function overlayOf(flow: Flow, rows: readonly NodeRow[], exits: readonly ExitRow[], errorKinds: Record<string, Record<string, number>> = {}): Overlay {
  const byId = new Map<string, Flow["nodes"][number]>();
  for (const node of flow.nodes) if (!byId.has(node.id)) byId.set(node.id, node);

  const nodes = new Map<string, NodeMark>();
  const offGraphNodes: NodeRow[] = [];
  for (const row of rows) {
    const node = byId.get(row.node);
    if (!node) {
      offGraphNodes.push(row);
      continue;
    }
    const terminal = kindOf(node)?.terminal ?? false;
    const dropRate = dropRateOf(row, terminal);
    const kinds = errorKinds[row.node] ?? {};
    nodes.set(row.node, { row, dropRate, level: dropLevel(dropRate), errorKinds: kinds, text: nodeText(row, terminal, kinds) });
  }

  const counts = new Map<string, { count: number; label: string; to: string; source: string }>();
  const offGraphExits: ExitRow[] = [];
  for (const exit of exits) {
    const id = matchExit(byId.get(exit.node), exit);
    if (id === null) {
      offGraphExits.push(exit);
      continue;
    }
    const seen = counts.get(id);
    counts.set(id, { count: (seen?.count ?? 0) + exit.count, label: exit.branch, to: exit.to, source: exit.node });
  }
  const exitTotals = new Map<string, number>();
  for (const exit of exits) exitTotals.set(exit.node, (exitTotals.get(exit.node) ?? 0) + exit.count);
  const maxCount = Math.max(0, ...Array.from(counts.values(), (c) => c.count));

  const edges = new Map<string, EdgeMark>();
  for (const node of byId.values()) {
    (node.branches ?? []).forEach((branch, index) => {
      const id = edgeId(node.id, index);
      const count = counts.get(id)?.count ?? 0;
      const total = exitTotals.get(node.id) ?? 0;
      const share = total ? count / total : null;
      edges.set(id, {
        count,
        share,
        width: edgeWidth(count, maxCount),
        text: `${serverLabel(branch)} to ${branch.to}: ${count} ${count === 1 ? "call" : "calls"}${share === null ? "" : ` (${pct(share)} of the exits of ${node.id})`}`,
      });
    });
  }
  return { nodes, edges, offGraphNodes, offGraphExits, maxCount };
}

/** The edge id of the branch an exit went through, or null when no branch of the node fits. */
export function matchExit(node: Flow["nodes"][number] | undefined, exit: ExitRow): string | null {
  if (!node) return null;
  const branches = (node.branches ?? []).map((branch, index) => ({ branch, index })).filter(({ branch }) => branch.to === exit.to);
  const exact = branches.find(({ branch }) => serverLabel(branch) === exit.branch);
  // The server cuts a very long condition (a `when` expression): then the label's start.
  const found = exact ?? branches.find(({ branch }) => exit.branch.length > 20 && serverLabel(branch).startsWith(exit.branch));
  return found ? edgeId(node.id, found.index) : null;
}
