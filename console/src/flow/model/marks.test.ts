import { describe, expect, it } from "vitest";
import type { Flow, FlowDiff } from "../../api/flows";
import hotlineJson from "./__fixtures__/hotline.json";
import { diffMarks, flowWithRemoved } from "./diff";
import { flowToGraph } from "./graph";
import { litPath } from "./path";
import { markProblems, problemPlace } from "./problems";
import { searchNodes } from "./search";

const hotline = hotlineJson as unknown as Flow;

describe("problems on the graph", () => {
  it("puts each problem on its node, its edge, or the flow", () => {
    const marks = markProblems(hotline, [
      { message: "no intent x", node: "understand", branch: 3, field: null },
      { message: "bad timeout", node: "ask", branch: null, field: "timeout" },
      { message: "no start", node: null, branch: null, field: null },
    ]);
    expect(marks.nodes.get("understand")).toHaveLength(1);
    expect(marks.edges.get("understand#3")?.[0]?.message).toBe("no intent x");
    expect(flowToGraph(hotline).edges.some((e) => e.id === "understand#3")).toBe(true);
    expect(marks.nodes.get("ask")?.[0]?.field).toBe("timeout");
    expect(marks.flow.map((p) => p.message)).toEqual(["no start"]);
    expect(problemPlace({ message: "", node: "understand", branch: 3, field: "intent" })).toBe(
      "node understand · branch 4 · intent",
    );
  });
});

describe("a test call's path", () => {
  it("lights the nodes and the branches between them", () => {
    const lit = litPath(hotline, ["start", "hours", "welcome", "channel", "menu"]);
    expect([...lit.nodes]).toEqual(["start", "hours", "welcome", "channel", "menu"]);
    expect([...lit.edges]).toEqual(["start#0", "hours#0", "welcome#0", "channel#1"]);
  });
});

describe("search", () => {
  it("finds nodes by id first, then name, kind and parameters", () => {
    expect(searchNodes(hotline.nodes, "ask")[0]).toBe("ask");
    expect(searchNodes(hotline.nodes, "ask").slice(1, 3)).toEqual(["ask_again", "ask_account"]);
    expect(searchNodes(hotline.nodes, "accountBalance")).toEqual(["lookup"]);
    expect(searchNodes(hotline.nodes, "transfer")).toContain("agent");
    expect(searchNodes(hotline.nodes, "  ")).toEqual([]);
  });
});

describe("diff marks", () => {
  const diff: FlowDiff = {
    version: 1,
    yaml: { before: "", after: "", unified: "" },
    nodes: { added: ["new_reply"], removed: ["old_reply"], changed: ["menu"] },
  };
  it("marks added, changed and removed nodes, and draws removed ones again", () => {
    const marks = diffMarks(diff);
    expect(marks.get("new_reply")).toBe("added");
    expect(marks.get("menu")).toBe("changed");
    expect(marks.get("old_reply")).toBe("removed");
    const live: Flow = {
      ...hotline,
      nodes: [...hotline.nodes, { id: "old_reply", kind: "reply", params: { text: "x" }, branches: [{ to: "end" }, { to: "gone" }] }],
    };
    const drawn = flowWithRemoved(hotline, diff, live);
    expect(drawn.nodes.at(-1)).toEqual({ id: "old_reply", kind: "reply", params: { text: "x" }, branches: [{ to: "end" }] });
    expect(flowWithRemoved(hotline, diff).nodes.at(-1)).toEqual({ id: "old_reply", kind: "removed", branches: [] });
  });
});
