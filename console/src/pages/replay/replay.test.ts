import { describe, expect, it } from "vitest";
import type { ReplayRun } from "../../api/replay";
import { inputLines, replayBody, sideBySide, sortedCounts, type ReplayForm } from "./model";

const form: ReplayForm = { flow: "hotline", target: "draft", since: "", until: "", accessCode: "", recordedVersion: "", callingNumber: "", outcome: "", limit: "100" };

describe("replay form", () => {
  it("sends only the filters that are set", () => {
    expect(replayBody(form)).toEqual({ target: { flow: "hotline", version: "draft" }, filters: { limit: 100 } });
    const body = replayBody({ ...form, target: "3", since: "2026-03-01T08:00", accessCode: " 4001 ", recordedVersion: "2", callingNumber: "139", outcome: "transferred", limit: "20" });
    expect(body).toMatchObject({ target: { flow: "hotline", version: 3 }, filters: { accessCode: "4001", version: 2, callingNumber: "139", outcome: "transferred", limit: 20 } });
    expect("filters" in body && body.filters.since).toBe(new Date("2026-03-01T08:00").toISOString());
  });

  it("says what keeps it from running", () => {
    expect(replayBody({ ...form, flow: "" })).toEqual({ problem: "Pick the flow to replay on." });
    expect(replayBody({ ...form, limit: "501" })).toHaveProperty("problem");
    expect(replayBody({ ...form, since: "2026-03-02T00:00", until: "2026-03-01T00:00" })).toHaveProperty("problem");
  });
});

const run = (outcome: ReplayRun["outcome"], ...texts: string[]): ReplayRun => ({
  outcome,
  endNode: null,
  detail: null,
  turns: texts.map((text, i) => ({ input: i === 0 ? null : `#${i}`, intents: [], steps: [{ action: "prompt", node: `n${i}`, path: [], intent: null, text, interfaces: null }] })),
});

describe("side by side", () => {
  it("pairs turns by position and marks those answered differently", () => {
    const rows = sideBySide(run("transferred", "Hello", "Connecting you"), run("contained", "Hello", "Your balance", "Bye"));
    expect(rows.map((r) => [r.input, r.different])).toEqual([
      [null, false],
      ["#1", true],
      ["#2", true],
    ]);
    expect(rows[2]?.recorded).toBeNull();
  });

  it("writes the simulator's inputs as the test call takes them", () => {
    expect(inputLines([{ kind: "keys", value: "0" }, { kind: "ok" }, { kind: "text", value: "balance" }])).toEqual(["#0", "/ok", "balance"]);
    expect(sortedCounts({ "a -> b": 1, "c -> d": 3 })).toEqual([["c -> d", 3], ["a -> b", 1]]);
  });
});
