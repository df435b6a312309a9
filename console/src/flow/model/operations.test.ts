import { describe, expect, it } from "vitest";
import type { Flow } from "../../api/flows";
import hotlineJson from "./__fixtures__/hotline.json";
import { suggestCondition } from "./branches";
import { flowToGraph } from "./graph";
import {
  addNode,
  canConnect,
  connect,
  deleteBranch,
  deleteElements,
  deleteNode,
  findNode,
  moveBranch,
  renameNode,
  retarget,
  setCondition,
  setParam,
  setPromptSource,
} from "./operations";

const hotline = hotlineJson as unknown as Flow;
const frozen = JSON.stringify(hotline);

describe("editing operations", () => {
  it("adds a node with its kind's parameters and a fresh id, joined after a node", () => {
    const { flow, id } = addNode(hotline, "reply", "say_balance");
    expect(id).toBe("reply");
    expect(findNode(flow, "reply")).toEqual({ id: "reply", kind: "reply", params: { text: "", mode: "asr" }, branches: [] });
    // say_balance had a default branch already, so the new one gets the first free preset.
    expect(findNode(flow, "say_balance")?.branches).toEqual([
      { to: "anything_else" },
      { to: "reply", on: "timeout1" },
    ]);
    expect(addNode(flow, "reply").id).toBe("reply_2");
    const graph = flowToGraph(flow);
    expect(graph.nodes.some((n) => n.id === "reply")).toBe(true);
    expect(graph.edges.find((e) => e.id === "say_balance#1")?.label).toBe("timeout1");
    expect(JSON.stringify(hotline)).toBe(frozen); // operations never mutate their input
  });

  it("deletes a node and the branches that led to it", () => {
    const flow = deleteNode(hotline, "agent_hours");
    expect(findNode(flow, "agent_hours")).toBeUndefined();
    for (const node of flow.nodes) {
      expect(node.branches?.some((b) => b.to === "agent_hours") ?? false).toBe(false);
    }
    expect(findNode(flow, "menu")?.branches?.map((b) => b.key ?? b.on)).toEqual(["1", "9"]);
    expect(flowToGraph(flow).edges.some((e) => e.target === "agent_hours")).toBe(false);
    expect(JSON.stringify(hotline)).toBe(frozen);
  });

  it("deletes a selection of nodes and branches in one step", () => {
    const flow = deleteElements(hotline, ["goodbye"], [
      { source: "menu", index: 0 },
      { source: "menu", index: 2 },
      { source: "goodbye", index: 0 },
    ]);
    expect(findNode(flow, "goodbye")).toBeUndefined();
    expect(findNode(flow, "menu")?.branches).toEqual([
      { to: "agent_hours", key: "0" },
      { to: "agent_hours", on: "failure" },
    ]);
    expect(findNode(flow, "understand")?.branches?.some((b) => b.to === "goodbye")).toBe(false);
  });

  it("connects with the condition the source wants next", () => {
    let flow = connect(hotline, "menu", "goodbye");
    expect(findNode(flow, "menu")?.branches?.at(-1)).toEqual({ to: "goodbye", key: "2" });
    flow = connect(flow, "channel", "end", { kind: "when", value: "FLOW.x == 1" });
    expect(findNode(flow, "channel")?.branches?.at(-1)).toEqual({ to: "end", when: "FLOW.x == 1" });
    expect(flowToGraph(flow).edges.find((e) => e.id === "menu#4")?.label).toBe("key: 2");
  });

  it("suggests natural conditions per kind", () => {
    expect(suggestCondition({ id: "t", kind: "time", branches: [] })).toEqual({ kind: "on", value: "open" });
    expect(suggestCondition({ id: "t", kind: "time", branches: [{ to: "x", on: "open" }] })).toEqual({
      kind: "on",
      value: "closed",
    });
    expect(suggestCondition({ id: "q", kind: "qa", branches: [] })).toEqual({ kind: "on", value: "found" });
    expect(suggestCondition({ id: "r", kind: "reply", branches: [] })).toEqual({ kind: "default", value: "" });
    expect(
      suggestCondition({ id: "r", kind: "recognize", branches: [{ to: "x" }, { to: "y", intent: "a" }] }, ["a", "b"]),
    ).toEqual({ kind: "intent", value: "b" });
  });

  it("refuses to connect from nodes that end the flow", () => {
    expect(canConnect(hotline, "end")).toBe(false);
    expect(canConnect(hotline, "agent")).toBe(true); // a transfer may have on: failure
    expect(canConnect(hotline, "menu")).toBe(true);
  });

  it("edits branches: condition, target, order, removal", () => {
    let flow = setCondition(hotline, "menu", 0, { kind: "key", value: "5" });
    expect(findNode(flow, "menu")?.branches?.[0]).toEqual({ to: "ask_account", key: "5" });
    flow = setCondition(flow, "menu", 0, { kind: "default", value: "" });
    expect(findNode(flow, "menu")?.branches?.[0]).toEqual({ to: "ask_account" });
    flow = retarget(flow, "menu", 0, "goodbye");
    expect(findNode(flow, "menu")?.branches?.[0]?.to).toBe("goodbye");
    flow = moveBranch(flow, "menu", 0, 1);
    expect(findNode(flow, "menu")?.branches?.map((b) => b.to)).toEqual(["agent_hours", "goodbye", "ask", "agent_hours"]);
    flow = deleteBranch(flow, "menu", 1);
    expect(findNode(flow, "menu")?.branches?.map((b) => b.to)).toEqual(["agent_hours", "ask", "agent_hours"]);
  });

  it("sets and clears parameters, and switches a prompt's source", () => {
    let flow = setParam(hotline, "ask", "timeout", 20);
    expect(findNode(flow, "ask")?.params?.timeout).toBe(20);
    flow = setParam(flow, "ask", "timeout", undefined);
    expect(findNode(flow, "ask")?.params).toEqual({ text: "In a few words, how can I help you today?", mode: "asr" });
    flow = setPromptSource(flow, "ask", "template");
    expect(findNode(flow, "ask")?.params).toEqual({ mode: "asr", template: "In a few words, how can I help you today?" });
  });

  it("renames a node and the branches that lead to it", () => {
    const flow = renameNode(hotline, "understand", "nlu");
    expect(findNode(flow, "understand")).toBeUndefined();
    expect(findNode(flow, "ask")?.branches).toEqual([{ to: "nlu" }]);
    expect(() => renameNode(hotline, "ask", "menu")).toThrow();
  });
});
