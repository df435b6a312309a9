import { describe, expect, it } from "vitest";
import type { Flow } from "../../api/flows";
import hotlineJson from "./__fixtures__/hotline.json";
import { flowFromGraph, flowToGraph, MISSING_PREFIX } from "./graph";

// examples/bank-hotline's flow as the API returns it (flow_to_data of the bot folder
// reader's flow: empty names, params and branches written out). Made in the repository root:
// .venv/bin/python -c "import json,pathlib; from oiap.adapters.bot_folder.reader import
//   read_bot_folder; from oiap.domain.flows import flow_to_data;
//   b = read_bot_folder(pathlib.Path('examples/bank-hotline')).bot;
//   print(json.dumps(flow_to_data(next(f for f in b.flows if f.code == 'hotline')), indent=1))"
// (plain yaml.safe_load would read the `on:` keys as true.)
const hotline = hotlineJson as unknown as Flow;

function meta(flow: Flow): Omit<Flow, "nodes"> {
  const { nodes: _nodes, ...rest } = flow;
  return rest;
}

describe("flow to graph", () => {
  it("draws every node of the bank hotline once and every branch as an edge", () => {
    const graph = flowToGraph(hotline);
    expect(graph.nodes.map((n) => n.id)).toEqual(hotline.nodes.map((n) => n.id));
    const branches = hotline.nodes.reduce((sum, n) => sum + (n.branches?.length ?? 0), 0);
    expect(graph.edges).toHaveLength(branches);
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(branches);
    for (const edge of graph.edges) {
      const source = hotline.nodes.find((n) => n.id === edge.source);
      expect(source?.branches?.[edge.data.index]).toEqual(edge.data.branch);
      expect(edge.target).toBe(edge.data.branch.to);
    }
  });

  it("gives the flow back unchanged from the graph (round trip)", () => {
    const graph = flowToGraph(hotline);
    const back = flowFromGraph(meta(hotline), graph);
    expect(back).toEqual(hotline);
    expect(JSON.stringify(back)).toBe(JSON.stringify(hotline));
  });

  it("labels edges with their conditions", () => {
    const labels = new Map(flowToGraph(hotline).edges.map((e) => [e.id, e.label]));
    expect(labels.get("menu#0")).toBe("key: 1");
    expect(labels.get("menu#3")).toBe("failure");
    expect(labels.get("understand#0")).toBe("intent: balance");
    expect(labels.get("understand#10")).toBe("timeout1");
    expect(labels.get("understand#12")).toBe("default");
    expect(labels.get("lookup#1")).toBe("SYSERROR_INTERFACE");
    expect(labels.get("hours#0")).toBe("open");
    expect(labels.get("channel#0")).toBe('when: SYS.calledNumber == "4002"');
    // A node's only branch needs no label; a default among others says so.
    expect(labels.get("start#0")).toBe("");
    expect(labels.get("channel#1")).toBe("default");
    expect(labels.get("lookup#0")).toBe("default");
  });

  it("shows each node's title and key parameter", () => {
    const byId = new Map(flowToGraph(hotline).nodes.map((n) => [n.id, n.data]));
    expect(byId.get("understand")?.title).toBe("Recognize intent");
    expect(byId.get("understand")?.summary).toBe("domain banking");
    expect(byId.get("lookup")?.summary).toBe("accountBalance");
    expect(byId.get("agent")?.summary).toBe("type 1 → 700");
    expect(byId.get("ask_account")?.summary).toBe("→ FLOW.accountNumber");
    expect(byId.get("say_balance")?.summary).toBe("[play] template balanceReply");
  });

  it("keeps broken flows visible: duplicate ids and missing targets", () => {
    const broken: Flow = {
      name: "b",
      nodes: [
        { id: "start", kind: "start", branches: [{ to: "a" }] },
        { id: "a", kind: "reply", params: { text: "hi" }, branches: [{ to: "nowhere" }] },
        { id: "a", kind: "end" },
      ],
    };
    const graph = flowToGraph(broken);
    expect(graph.nodes.map((n) => n.id)).toEqual(["start", "a", "a::2", `${MISSING_PREFIX}nowhere`]);
    expect(graph.edges.find((e) => e.id === "a#0")?.target).toBe(`${MISSING_PREFIX}nowhere`);
    expect(flowFromGraph({ name: "b" }, graph)).toEqual(broken);
  });
});
