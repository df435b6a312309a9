// Lays the graph out again when its structure changes (not when a parameter is typed), and
// keeps the last layout on screen meanwhile.
import { useEffect, useState } from "react";
import { elkEngine } from "./elk";
import { structureKey, type Graph } from "./model/graph";
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type Layout, type Point } from "./model/layout";

interface Laid {
  key: string;
  layout: Layout;
}

export function useLayout(graph: Graph): { layout: Layout | null; pending: boolean; error: Error | null } {
  const key = structureKey(graph);
  const [laid, setLaid] = useState<Laid | null>(null);
  const [error, setError] = useState<{ key: string; error: Error } | null>(null);

  useEffect(() => {
    let current = true;
    layoutGraph(graph, elkEngine()).then(
      (layout) => current && setLaid({ key, layout }),
      (cause: unknown) => current && setError({ key, error: cause instanceof Error ? cause : new Error(String(cause)) }),
    );
    return () => {
      current = false;
    };
    // The key says when the structure changed; the graph object is new on every edit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return {
    layout: laid?.layout ?? null,
    pending: laid?.key !== key,
    error: error?.key === key ? error.error : null,
  };
}

/**
 * Where a node goes: its laid-out place, else (added since the last layout) to the right of
 * the node it hangs from, else below everything.
 */
export function placeOf(id: string, graph: Graph, layout: Layout | null): Point {
  const known = layout?.positions.get(id);
  if (known) return known;
  const from = graph.edges.find((e) => e.target === id && layout?.positions.has(e.source));
  const source = from ? layout?.positions.get(from.source) : undefined;
  if (source) return { x: source.x + NODE_WIDTH + 90, y: source.y + NODE_HEIGHT / 2 };
  return { x: 0, y: (layout?.height ?? 0) + NODE_HEIGHT };
}
