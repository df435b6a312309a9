// The graph drawn on screen, derived from the flow: one graph node per flow node, one edge
// per branch. Nothing here is stored; the workspace derives it again after every edit.
import type { Branch, Flow, FlowNode } from "../../api/flows";
import { branchLabel, conditionOf, type ConditionKind } from "./branches";
import { keyParameter, kindOf } from "./kinds";

export const MISSING_PREFIX = "missing::";

export interface FlowNodeData extends Record<string, unknown> {
  /** The flow node drawn; for a missing branch target, a stand-in with kind "missing". */
  node: FlowNode;
  /** Position in flow.nodes (-1 for a stand-in). */
  index: number;
  title: string;
  summary: string;
  missing: boolean;
}

export interface BranchEdgeData extends Record<string, unknown> {
  source: string;
  /** Position in the source node's branches. */
  index: number;
  branch: Branch;
  condition: ConditionKind;
  label: string;
}

export interface GraphNode {
  id: string;
  type: "flowNode";
  data: FlowNodeData;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  label: string;
  data: BranchEdgeData;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function edgeId(source: string, index: number): string {
  return `${source}#${index}`;
}

/**
 * The graph of a flow. A node id used twice (a problem the validator reports) gets a
 * suffixed graph id so that both stay visible; a branch to a node that does not exist
 * ends at a stand-in marked missing, so the broken connection shows where it is.
 */
export function flowToGraph(flow: Flow): Graph {
  const nodes: GraphNode[] = [];
  const firstGraphId = new Map<string, string>();
  const seen = new Map<string, number>();
  flow.nodes.forEach((node, index) => {
    const count = (seen.get(node.id) ?? 0) + 1;
    seen.set(node.id, count);
    const id = count === 1 ? node.id : `${node.id}::${count}`;
    if (count === 1) firstGraphId.set(node.id, id);
    nodes.push({
      id,
      type: "flowNode",
      data: {
        node,
        index,
        title: node.name || kindOf(node)?.title || node.kind,
        summary: keyParameter(node),
        missing: false,
      },
    });
  });
  const edges: GraphEdge[] = [];
  const missing = new Set<string>();
  nodes.forEach(({ id: source, data }) => {
    const branches = data.node.branches ?? [];
    branches.forEach((branch, index) => {
      let target = firstGraphId.get(branch.to);
      if (target === undefined) {
        target = MISSING_PREFIX + branch.to;
        missing.add(branch.to);
      }
      const label = branchLabel(branch, branches.length);
      edges.push({
        id: edgeId(source, index),
        source,
        target,
        label,
        data: { source, index, branch, condition: conditionOf(branch).kind, label },
      });
    });
  });
  for (const to of missing) {
    nodes.push({
      id: MISSING_PREFIX + to,
      type: "flowNode",
      data: {
        node: { id: to, kind: "missing" },
        index: -1,
        title: "Missing node",
        summary: to,
        missing: true,
      },
    });
  }
  return { nodes, edges };
}

/**
 * The flow a graph was derived from, given the flow's other fields: each node as drawn,
 * its branches from the edges that leave it, in branch order. The inverse of flowToGraph.
 */
export function flowFromGraph(meta: Omit<Flow, "nodes">, graph: Graph): Flow {
  const nodes = graph.nodes
    .filter((n) => !n.data.missing)
    .sort((a, b) => a.data.index - b.data.index)
    .map((n) => {
      const out = graph.edges
        .filter((e) => e.source === n.id)
        .sort((a, b) => a.data.index - b.data.index)
        .map((e) => e.data.branch);
      const node: FlowNode = { ...n.data.node };
      delete node.branches;
      if (n.data.node.branches !== undefined) node.branches = out;
      return node;
    });
  return { ...meta, nodes };
}

/** What layout depends on: node ids and connections, not parameters or labels' text. */
export function structureKey(graph: Graph): string {
  return JSON.stringify([
    graph.nodes.map((n) => n.id),
    graph.edges.map((e) => [e.source, e.target, e.label.length > 0]),
  ]);
}

/** The graph id of a flow node id (the first node with that id). */
export function graphIdOf(graph: Graph, nodeId: string): string | undefined {
  return graph.nodes.find((n) => !n.data.missing && n.data.node.id === nodeId)?.id;
}
