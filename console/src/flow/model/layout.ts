// Automatic layout with ELK's layered algorithm, left to right. Every node has one port in
// on its left and one out on its right, like the handles drawn on screen, so the routes ELK
// computes end where the edges are drawn; edge labels are sized so layers leave room.
import type { ELK, ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { Graph } from "./graph";

export const NODE_WIDTH = 232;
export const NODE_HEIGHT = 72;
const LABEL_HEIGHT = 18;
const CHAR_WIDTH = 6.6;

export interface Point {
  x: number;
  y: number;
}

export interface Layout {
  /** Top-left corner of each graph node. */
  positions: Map<string, Point>;
  /** Each edge's route from its source's right side to its target's left side. */
  routes: Map<string, { points: Point[]; label: Point | null }>;
  width: number;
  height: number;
}

const OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.layered.spacing.nodeNodeBetweenLayers": "90",
  "elk.spacing.nodeNode": "36",
  "elk.spacing.edgeNode": "24",
  "elk.spacing.edgeEdge": "12",
  "elk.spacing.edgeLabel": "4",
  "elk.layered.spacing.edgeNodeBetweenLayers": "24",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.crossingMinimization.strategy": "LAYER_SWEEP",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  // Loops back (ask again, timeouts to the menu) are the edges to reverse, not the way on.
  "elk.layered.cycleBreaking.strategy": "GREEDY_MODEL_ORDER",
  "elk.edgeLabels.placement": "CENTER",
  "elk.layered.edgeLabels.sideSelection": "ALWAYS_UP",
};

export function labelWidth(label: string): number {
  return Math.ceil(label.length * CHAR_WIDTH) + 12;
}

/** Lays `graph` out with `elk` (in the browser a worker, see ../elk.ts; in tests in-process). */
export async function layoutGraph(graph: Graph, elk: ELK): Promise<Layout> {
  const root: ElkNode = {
    id: "root",
    layoutOptions: OPTIONS,
    children: graph.nodes.map((n) => ({
      id: n.id,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      layoutOptions: { "elk.portConstraints": "FIXED_SIDE" },
      ports: [
        { id: `${n.id}:in`, width: 1, height: 1, layoutOptions: { "elk.port.side": "WEST" } },
        { id: `${n.id}:out`, width: 1, height: 1, layoutOptions: { "elk.port.side": "EAST" } },
      ],
    })),
    edges: graph.edges.map(
      (e): ElkExtendedEdge => ({
        id: e.id,
        sources: [`${e.source}:out`],
        targets: [`${e.target}:in`],
        labels: e.label
          ? [{ id: `${e.id}:label`, text: e.label, width: labelWidth(e.label), height: LABEL_HEIGHT }]
          : [],
      }),
    ),
  };
  const laid = await elk.layout(root);
  const positions = new Map<string, Point>();
  for (const child of laid.children ?? []) {
    positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  }
  const routes = new Map<string, { points: Point[]; label: Point | null }>();
  for (const edge of laid.edges ?? []) {
    const section = edge.sections?.[0];
    if (!section) continue;
    const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    const label = edge.labels?.[0];
    routes.set(edge.id, {
      points: points.map((p) => ({ x: p.x, y: p.y })),
      label:
        label && label.x !== undefined && label.y !== undefined
          ? { x: label.x + (label.width ?? 0) / 2, y: label.y + (label.height ?? 0) / 2 }
          : null,
    });
  }
  return { positions, routes, width: laid.width ?? 0, height: laid.height ?? 0 };
}
