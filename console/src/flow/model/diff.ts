// Marks for the release page's graph: what the draft adds, changes and removes against the
// live version, from GET /flows/{code}/diff.
import type { Flow, FlowDiff, FlowNode } from "../../api/flows";

export type DiffMark = "added" | "changed" | "removed";

export function diffMarks(diff: FlowDiff): Map<string, DiffMark> {
  const marks = new Map<string, DiffMark>();
  for (const id of diff.nodes.added) marks.set(id, "added");
  for (const id of diff.nodes.changed) marks.set(id, "changed");
  for (const id of diff.nodes.removed) marks.set(id, "removed");
  return marks;
}

/**
 * The draft with the removed nodes put back (from the live flow when known, else as bare
 * stand-ins) so they can be drawn, crossed out, where they were. Their branches are kept
 * only to nodes that still exist.
 */
export function flowWithRemoved(draft: Flow, diff: FlowDiff, live?: Flow): Flow {
  const present = new Set(draft.nodes.map((n) => n.id));
  const removed: FlowNode[] = diff.nodes.removed
    .filter((id) => !present.has(id))
    .map((id) => live?.nodes.find((n) => n.id === id) ?? { id, kind: "removed" });
  const keep = new Set([...present, ...removed.map((n) => n.id)]);
  return {
    ...draft,
    nodes: [
      ...draft.nodes,
      ...removed.map((n) => ({
        ...n,
        branches: (n.branches ?? []).filter((b) => keep.has(b.to)),
      })),
    ],
  };
}
