// Finding nodes by what an author remembers of them: id, name, kind or a parameter's words.
import type { FlowNode } from "../../api/flows";
import { kindOf } from "./kinds";

function haystack(node: FlowNode): string[] {
  return [
    node.id,
    node.name ?? "",
    node.kind,
    kindOf(node)?.title ?? "",
    JSON.stringify(node.params ?? {}),
  ].map((s) => s.toLowerCase());
}

/** Node ids matching `query`, best first: exact id, id prefix, id/name part, parameters. */
export function searchNodes(nodes: readonly FlowNode[], query: string): string[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [];
  const scored: [number, number, string][] = [];
  nodes.forEach((node, order) => {
    const [id = "", name = "", kind = "", title = "", params = ""] = haystack(node);
    let score = 0;
    if (id === q) score = 5;
    else if (id.startsWith(q)) score = 4;
    else if (id.includes(q) || name.includes(q)) score = 3;
    else if (kind === q || title.includes(q)) score = 2;
    else if (params.includes(q)) score = 1;
    if (score > 0) scored.push([score, order, node.id]);
  });
  return scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, , id]) => id);
}
