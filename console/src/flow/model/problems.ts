// Where each validation problem is drawn: on its node, on one of its edges, or on the flow.
import type { Flow, Problem } from "../../api/flows";
import { edgeId } from "./graph";

export interface ProblemMarks {
  /** Problems per flow node id. */
  nodes: Map<string, Problem[]>;
  /** Problems per edge id (a problem that names a branch). */
  edges: Map<string, Problem[]>;
  /** Problems of the whole flow (e.g. no start node). */
  flow: Problem[];
}

function push<K>(map: Map<K, Problem[]>, key: K, problem: Problem): void {
  const list = map.get(key);
  if (list) list.push(problem);
  else map.set(key, [problem]);
}

export function markProblems(flow: Flow, problems: readonly Problem[]): ProblemMarks {
  const marks: ProblemMarks = { nodes: new Map(), edges: new Map(), flow: [] };
  const ids = new Set(flow.nodes.map((n) => n.id));
  for (const problem of problems) {
    if (problem.node === null || !ids.has(problem.node)) {
      marks.flow.push(problem);
      continue;
    }
    push(marks.nodes, problem.node, problem);
    if (problem.branch !== null) push(marks.edges, edgeId(problem.node, problem.branch), problem);
  }
  return marks;
}

/** How a problem reads in the list: where, then what. */
export function problemPlace(problem: Problem): string {
  if (problem.node === null) return "flow";
  const parts = [`node ${problem.node}`];
  if (problem.branch !== null) parts.push(`branch ${problem.branch + 1}`);
  if (problem.field !== null) parts.push(problem.field);
  return parts.join(" · ");
}
