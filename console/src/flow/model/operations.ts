// Edits of the draft, as pure functions from one flow to the next. Graph gestures (drop a
// node from the palette, press Delete, drag a connection) and inspector forms all end here,
// so the flow stays the only state and undo is a matter of keeping old flows.
import type { Branch, Flow, FlowNode, JsonValue, NodeKind, Params } from "../../api/flows";
import { branchWith, type Condition, suggestCondition } from "./branches";
import { KINDS } from "./kinds";

function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function replaceNode(flow: Flow, id: string, change: (node: FlowNode) => FlowNode): Flow {
  let found = false;
  const nodes = flow.nodes.map((n) => {
    if (found || n.id !== id) return n;
    found = true;
    return change(n);
  });
  if (!found) throw new Error(`no node ${id}`);
  return { ...flow, nodes };
}

export function findNode(flow: Flow, id: string): FlowNode | undefined {
  return flow.nodes.find((n) => n.id === id);
}

/** An id not used in the flow yet: the kind's name, then name_2, name_3 ... */
export function freshId(flow: Flow, base: string): string {
  const used = new Set(flow.nodes.map((n) => n.id));
  const stem = base.replace(/[^A-Za-z0-9_-]+/g, "_") || "node";
  if (!used.has(stem)) return stem;
  for (let i = 2; ; i++) {
    if (!used.has(`${stem}_${i}`)) return `${stem}_${i}`;
  }
}

export interface Added {
  flow: Flow;
  id: string;
}

/**
 * Adds a node of `kind` with the kind's starting parameters. With `after`, the new node is
 * joined from that node by a branch with the condition a drawn connection would get.
 */
export function addNode(flow: Flow, kind: NodeKind, after?: string): Added {
  const id = freshId(flow, kind);
  const spec = KINDS[kind];
  const node: FlowNode = { id, kind };
  if (Object.keys(spec.defaults).length > 0) node.params = cloneJson(spec.defaults);
  if (!spec.terminal) node.branches = [];
  let next: Flow = { ...flow, nodes: [...flow.nodes, node] };
  if (after !== undefined && findNode(flow, after)) next = connect(next, after, id);
  return { flow: next, id };
}

/** Removes a node and every branch that led to it (they would point nowhere). */
export function deleteNode(flow: Flow, id: string): Flow {
  return deleteNodes(flow, [id]);
}

export function deleteNodes(flow: Flow, ids: readonly string[]): Flow {
  const gone = new Set(ids);
  return {
    ...flow,
    nodes: flow.nodes
      .filter((n) => !gone.has(n.id))
      .map((n) =>
        n.branches?.some((b) => gone.has(b.to))
          ? { ...n, branches: n.branches.filter((b) => !gone.has(b.to)) }
          : n,
      ),
  };
}

/**
 * Joins `source` to `target` with a new branch. Without a condition it gets the one the
 * source most likely wants next (see suggestCondition). Connecting a terminal node (end,
 * sub-flow) is refused: nothing may follow it.
 */
export function connect(
  flow: Flow,
  source: string,
  target: string,
  condition?: Condition,
  intents: readonly string[] = [],
): Flow {
  return replaceNode(flow, source, (node) => {
    const branch = branchWith(target, condition ?? suggestCondition(node, intents));
    return { ...node, branches: [...(node.branches ?? []), branch] };
  });
}

export function canConnect(flow: Flow, source: string): boolean {
  const node = findNode(flow, source);
  return node !== undefined && !(node.kind in KINDS && KINDS[node.kind as NodeKind].terminal);
}

/** Points an existing branch at another node (dragging an edge's end elsewhere). */
export function retarget(flow: Flow, source: string, index: number, target: string): Flow {
  return updateBranch(flow, source, index, (b) => ({ ...b, to: target }));
}

export function updateBranch(
  flow: Flow,
  source: string,
  index: number,
  change: (branch: Branch) => Branch,
): Flow {
  return replaceNode(flow, source, (node) => {
    const branches = [...(node.branches ?? [])];
    const branch = branches[index];
    if (branch === undefined) throw new Error(`node ${source} has no branch ${index}`);
    branches[index] = change(branch);
    return { ...node, branches };
  });
}

export function setCondition(flow: Flow, source: string, index: number, condition: Condition): Flow {
  return updateBranch(flow, source, index, (b) => branchWith(b.to, condition));
}

export function deleteBranch(flow: Flow, source: string, index: number): Flow {
  return replaceNode(flow, source, (node) => ({
    ...node,
    branches: (node.branches ?? []).filter((_, i) => i !== index),
  }));
}

/** Moves a branch up (-1) or down (+1): a judge node tries its conditions in order. */
export function moveBranch(flow: Flow, source: string, index: number, by: -1 | 1): Flow {
  return replaceNode(flow, source, (node) => {
    const branches = [...(node.branches ?? [])];
    const to = index + by;
    if (to < 0 || to >= branches.length) return node;
    const [moved] = branches.splice(index, 1);
    branches.splice(to, 0, moved as Branch);
    return { ...node, branches };
  });
}

/** Sets one parameter; `undefined` removes it (an optional parameter left blank). */
export function setParam(flow: Flow, id: string, name: string, value: JsonValue | undefined): Flow {
  return replaceNode(flow, id, (node) => {
    const params: Params = { ...(node.params ?? {}) };
    if (value === undefined) delete params[name];
    else params[name] = value;
    const next: FlowNode = { ...node, params };
    if (Object.keys(params).length === 0 && node.params === undefined) delete next.params;
    return next;
  });
}

/** Switches a prompt between text, template and audio, keeping what was written. */
export function setPromptSource(flow: Flow, id: string, source: "text" | "template" | "audio"): Flow {
  return replaceNode(flow, id, (node) => {
    const params: Params = { ...(node.params ?? {}) };
    const current = (["text", "template", "audio"] as const).find((p) => p in params);
    if (current === source) return node;
    const value = current === undefined ? "" : params[current];
    if (current !== undefined) delete params[current];
    params[source] = value ?? "";
    return { ...node, params };
  });
}

export function setName(flow: Flow, id: string, name: string): Flow {
  return replaceNode(flow, id, (node) => {
    const next: FlowNode = { ...node, name };
    if (name === "") delete next.name;
    return next;
  });
}

/** Renames a node and every branch that leads to it. Refused when the id is taken. */
export function renameNode(flow: Flow, id: string, to: string): Flow {
  if (id === to) return flow;
  if (findNode(flow, to)) throw new Error(`a node ${to} exists already`);
  return {
    ...flow,
    nodes: flow.nodes.map((n) => {
      const renamed = n.id === id ? { ...n, id: to } : n;
      return renamed.branches?.some((b) => b.to === id)
        ? { ...renamed, branches: renamed.branches.map((b) => (b.to === id ? { ...b, to } : b)) }
        : renamed;
    }),
  };
}

export function setFlowField(
  flow: Flow,
  field: "name" | "description" | "scenario",
  value: string,
): Flow {
  return { ...flow, [field]: value };
}

/**
 * Deletes nodes and branches in one step (a Delete key press on a selection). Branches are
 * named by their source and index in the flow as it was; those of deleted nodes go anyway.
 */
export function deleteElements(
  flow: Flow,
  nodeIds: readonly string[],
  branches: readonly { source: string; index: number }[],
): Flow {
  const gone = new Set(nodeIds);
  const cut = new Map<string, Set<number>>();
  for (const { source, index } of branches) {
    if (gone.has(source)) continue;
    cut.set(source, (cut.get(source) ?? new Set()).add(index));
  }
  const trimmed: Flow = {
    ...flow,
    nodes: flow.nodes.map((n) => {
      const indexes = cut.get(n.id);
      return indexes ? { ...n, branches: (n.branches ?? []).filter((_, i) => !indexes.has(i)) } : n;
    }),
  };
  return gone.size > 0 ? deleteNodes(trimmed, [...gone]) : trimmed;
}
