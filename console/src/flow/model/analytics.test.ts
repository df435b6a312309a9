import { describe, expect, it } from "vitest";
import type { ExitRow, NodeRow } from "../../api/analytics";
import type { Flow } from "../../api/flows";
import hotlineJson from "./__fixtures__/hotline.json";
import { dropLevel, edgeWidth, IDLE_WIDTH, matchExit, MAX_WIDTH, MIN_WIDTH, overlayOf, serverLabel } from "./analytics";

const hotline = hotlineJson as unknown as Flow;

const row = (node: string, visits: number, drop_offs = 0, hangups = 0, errors = 0, exits = visits - drop_offs): NodeRow => ({ node, visits, exits, drop_offs, hangups, errors });
const exit = (node: string, branch: string, to: string, count: number): ExitRow => ({ node, branch, to, count });

// 100 calls reach the menu: 37 press 0 (agent), 50 press 1 (balance), 8 press 9, 5 hang up.
const rows = [row("menu", 100, 5, 5), row("agent", 37, 37), row("end", 40, 40, 4), row("gone_node", 3, 3)];
const exits = [
  exit("menu", "key 1", "ask_account", 50),
  exit("menu", "key 0", "agent_hours", 37),
  exit("menu", "key 9", "ask", 8),
  exit("understand", "intent balance", "ask_account", 6),
  exit("understand", "on nomatch1", "ask_again", 2),
  exit("understand", "default", "ask_again", 1),
  exit("lookup", "subflow", "elsewhere", 4),
];

describe("server branch labels", () => {
  it("names a branch as the turn records do", () => {
    expect(serverLabel({ to: "a", key: "1" })).toBe("key 1");
    expect(serverLabel({ to: "a", on: "timeout1" })).toBe("on timeout1");
    expect(serverLabel({ to: "a", intent: "balance" })).toBe("intent balance");
    expect(serverLabel({ to: "a", when: "x > 1" })).toBe("when x > 1");
    expect(serverLabel({ to: "a" })).toBe("default");
    expect(serverLabel({ to: "a", on: "default" })).toBe("default");
    expect(serverLabel({ to: "a", on: null, key: "2" })).toBe("key 2");
  });
});

describe("edge width by traffic", () => {
  it("is thin for an idle branch and widest for the busiest one", () => {
    expect(edgeWidth(0, 50)).toBe(IDLE_WIDTH);
    expect(edgeWidth(5, 0)).toBe(IDLE_WIDTH);
    expect(edgeWidth(50, 50)).toBe(MAX_WIDTH);
    expect(edgeWidth(1, 1_000_000)).toBeGreaterThanOrEqual(MIN_WIDTH);
  });

  it("grows with traffic, never past the widest", () => {
    const widths = [1, 5, 10, 25, 50].map((n) => edgeWidth(n, 50));
    expect([...widths].sort((a, b) => a - b)).toEqual(widths);
    expect(new Set(widths).size).toBe(widths.length);
    expect(edgeWidth(80, 50)).toBe(MAX_WIDTH);
  });
});

describe("drop-off colour levels", () => {
  it("steps at 5, 15, 30 and 50 percent", () => {
    expect([0, 0.049, 0.05, 0.149, 0.15, 0.3, 0.49, 0.5, 1].map(dropLevel)).toEqual([0, 0, 1, 1, 2, 3, 3, 4, 4]);
    expect(dropLevel(null)).toBeNull();
  });
});

describe("figures onto the hotline's graph", () => {
  const overlay = overlayOf(hotline, rows, exits, { menu: { hangup: 5 } });

  it("puts each exit on the branch it went through, by label and target", () => {
    const menu = hotline.nodes.find((n) => n.id === "menu");
    const index = (key: string) => menu?.branches?.findIndex((b) => b.key === key);
    expect(overlay.edges.get(`menu#${index("0")}`)?.count).toBe(37);
    expect(overlay.edges.get(`menu#${index("1")}`)?.count).toBe(50);
    expect(overlay.edges.get(`menu#${index("1")}`)?.width).toBe(MAX_WIDTH);
    expect(overlay.edges.get(`menu#${index("0")}`)?.share).toBeCloseTo(37 / 95);
    expect(overlay.edges.get(`menu#${index("0")}`)?.text).toBe("key 0 to agent_hours: 37 calls (38.9% of the exits of menu)");
    // The failure branch to the same node as key 0 got nothing.
    const failure = menu?.branches?.findIndex((b) => b.on === "failure");
    expect(overlay.edges.get(`menu#${failure}`)).toMatchObject({ count: 0, width: IDLE_WIDTH });
  });

  it("tells apart branches to the same node by their condition", () => {
    const understand = hotline.nodes.find((n) => n.id === "understand");
    const at = (test: (b: NonNullable<typeof understand>["branches"] extends (infer B)[] | undefined ? B : never) => boolean) =>
      overlay.edges.get(`understand#${understand?.branches?.findIndex(test)}`)?.count;
    expect(at((b) => b.on === "nomatch1")).toBe(2);
    expect(at((b) => b.on === "timeout1")).toBe(0);
    expect(at((b) => !b.on && !b.intent && !b.key && !b.when)).toBe(1);
  });

  it("has a mark for every branch of the flow, traffic or not", () => {
    const branches = hotline.nodes.reduce((sum, n) => sum + (n.branches?.length ?? 0), 0);
    expect(overlay.edges.size).toBe(branches);
    expect(overlay.maxCount).toBe(50);
  });

  it("colours a node by the share of its visits that ended there", () => {
    const menu = overlay.nodes.get("menu");
    expect(menu?.dropRate).toBeCloseTo(0.05);
    expect(menu?.level).toBe(1);
    expect(menu?.text).toContain("100 visits");
    expect(menu?.text).toContain("5 ended here (5%)");
    expect(menu?.text).toContain("hangup 5");
  });

  it("counts only hang-ups as drop-off at an end node, where every call ends", () => {
    expect(overlay.nodes.get("end")?.dropRate).toBeCloseTo(0.1);
    expect(overlay.nodes.get("end")?.level).toBe(1);
    // A transfer node is not an end node: the 37 calls ended there count.
    expect(overlay.nodes.get("agent")?.level).toBe(4);
  });

  it("keeps figures the flow on screen cannot show, for the list beside the graph", () => {
    expect(overlay.offGraphNodes.map((r) => r.node)).toEqual(["gone_node"]);
    expect(overlay.offGraphExits).toEqual([exit("lookup", "subflow", "elsewhere", 4)]);
    expect(overlay.nodes.has("ask")).toBe(false);
  });

  it("matches a long condition the server cut by its start, and nothing else", () => {
    const node = { id: "j", kind: "judge", branches: [{ to: "a", when: `x == "${"y".repeat(60)}"` }, { to: "a" }] };
    expect(matchExit(node, exit("j", `when x == "${"y".repeat(20)}`, "a", 1))).toBe("j#0");
    expect(matchExit(node, exit("j", "key 1", "a", 1))).toBeNull();
    expect(matchExit(node, exit("j", "default", "b", 1))).toBeNull();
    expect(matchExit(undefined, exit("j", "default", "a", 1))).toBeNull();
  });
});
