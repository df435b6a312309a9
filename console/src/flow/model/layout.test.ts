import ELK from "elkjs/lib/elk.bundled.js";
import { describe, expect, it } from "vitest";
import type { Flow, FlowNode } from "../../api/flows";
import hotlineJson from "./__fixtures__/hotline.json";
import { flowToGraph } from "./graph";
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type Layout } from "./layout";

const hotline = hotlineJson as unknown as Flow;
const elk = new ELK();

function overlaps(layout: Layout): string[] {
  const boxes = [...layout.positions.entries()];
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, p] = boxes[i] as [string, { x: number; y: number }];
      const [b, q] = boxes[j] as [string, { x: number; y: number }];
      if (Math.abs(p.x - q.x) < NODE_WIDTH && Math.abs(p.y - q.y) < NODE_HEIGHT) found.push(`${a}/${b}`);
    }
  }
  return found;
}

/** A 50-node flow: a menu fanning out to chains that join again, like a real hotline. */
function bigFlow(): Flow {
  const nodes: FlowNode[] = [
    { id: "start", kind: "start", branches: [{ to: "menu" }] },
    { id: "menu", kind: "menu", params: { text: "?" }, branches: [] },
  ];
  const menu = nodes[1] as FlowNode;
  for (let k = 0; k < 8; k++) {
    menu.branches?.push({ to: `a${k}_0`, key: String(k) });
    for (let s = 0; s < 6; s++) {
      const last = s === 5;
      nodes.push({
        id: `a${k}_${s}`,
        kind: "reply",
        params: { text: `step ${s}` },
        branches: last ? [{ to: "end" }] : [{ to: `a${k}_${s + 1}` }, { to: "menu", on: "timeout1" }],
      });
    }
  }
  nodes.push({ id: "end", kind: "end" });
  return { name: "big", nodes };
}

describe("layout", () => {
  // ELK is slow to warm up on a shared test machine; the bound is generous, not a target.
  it("lays the bank hotline out left to right without overlaps", { timeout: 60_000 }, async () => {
    const graph = flowToGraph(hotline);
    const layout = await layoutGraph(graph, elk);
    expect(layout.positions.size).toBe(graph.nodes.length);
    expect(overlaps(layout)).toEqual([]);
    const x = (id: string) => layout.positions.get(id)?.x ?? NaN;
    expect(x("start")).toBeLessThan(x("hours"));
    expect(x("hours")).toBeLessThan(x("welcome"));
    expect(x("menu")).toBeLessThan(x("ask_account"));
    expect(x("ask_account")).toBeLessThan(x("lookup"));
    // Every labelled edge has a route and a place for its label.
    for (const edge of graph.edges) {
      const route = layout.routes.get(edge.id);
      expect(route?.points.length).toBeGreaterThanOrEqual(2);
      if (edge.label) expect(route?.label).not.toBeNull();
    }
  });

  it("keeps 50 nodes readable: no overlaps, layers left to right, a sane aspect", { timeout: 60_000 }, async () => {
    const flow = bigFlow();
    expect(flow.nodes).toHaveLength(51);
    const layout = await layoutGraph(flowToGraph(flow), elk);
    expect(overlaps(layout)).toEqual([]);
    for (let k = 0; k < 8; k++) {
      for (let s = 0; s < 5; s++) {
        expect(layout.positions.get(`a${k}_${s}`)?.x).toBeLessThan(layout.positions.get(`a${k}_${s + 1}`)?.x ?? 0);
      }
    }
    expect(layout.width).toBeGreaterThan(layout.height / 4);
  });
});
