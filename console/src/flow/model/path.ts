// The path a test call's turn took, as graph elements to light up.
import type { Flow } from "../../api/flows";
import { edgeId } from "./graph";

export interface LitPath {
  nodes: Set<string>;
  edges: Set<string>;
}

/**
 * The nodes of `path` and, for each step from one node to the next, the first branch of the
 * first that leads there (the engine follows one of them; with two to the same node either
 * one shows the way).
 */
export function litPath(flow: Flow, path: readonly string[]): LitPath {
  const lit: LitPath = { nodes: new Set(path), edges: new Set() };
  for (let i = 0; i + 1 < path.length; i++) {
    const from = path[i] as string;
    const to = path[i + 1] as string;
    const node = flow.nodes.find((n) => n.id === from);
    const index = node?.branches?.findIndex((b) => b.to === to) ?? -1;
    if (index >= 0) lit.edges.add(edgeId(from, index));
  }
  return lit;
}
