import { describe, expect, it } from "vitest";
import type { CallRow } from "../../api/analytics";
import { queryOf } from "../../api/analytics";
import { apiFilters, filtersFrom, paramsOf, rangeProblem } from "./filters";
import { callSeries, csvName, millis, periodStarts, share } from "./series";

const NOW = new Date("2026-03-10T15:30:00Z");

describe("analytics filters in the URL", () => {
  it("defaults to the last seven UTC days, today included, by day", () => {
    const state = filtersFrom(new URLSearchParams(), NOW);
    expect(state).toEqual({ from: "2026-03-04", to: "2026-03-10", accessCode: "", flow: "", version: "", granularity: "day" });
    expect(apiFilters(state)).toEqual({ from: "2026-03-04T00:00:00Z", to: "2026-03-11T00:00:00Z", accessCode: undefined, flow: undefined, version: undefined, granularity: "day" });
  });

  it("reads and writes every filter, and drops a version without a flow", () => {
    const params = new URLSearchParams("from=2026-02-01&to=2026-02-03&accessCode=4001&flow=hotline&version=3&granularity=hour&tab=x");
    const state = filtersFrom(params, NOW);
    expect(apiFilters(state)).toMatchObject({ accessCode: "4001", flow: "hotline", version: 3, granularity: "hour", to: "2026-02-04T00:00:00Z" });
    expect(paramsOf(state, params).get("tab")).toBe("x");
    const noFlow = paramsOf({ ...state, flow: "" });
    expect(noFlow.has("version")).toBe(false);
    expect(noFlow.has("granularity")).toBe(true);
    expect(filtersFrom(new URLSearchParams("from=junk&version=v2"), NOW)).toMatchObject({ from: "2026-03-04", version: "" });
  });

  it("refuses a reversed range and one longer than the server's 400 days", () => {
    expect(rangeProblem(filtersFrom(new URLSearchParams("from=2026-03-05&to=2026-03-01"), NOW))).toMatch(/before/);
    expect(rangeProblem(filtersFrom(new URLSearchParams("from=2024-01-01&to=2026-03-01"), NOW))).toMatch(/400/);
    expect(rangeProblem(filtersFrom(new URLSearchParams(), NOW))).toBeNull();
  });

  it("leaves empty filters out of the query", () => {
    expect(queryOf({ from: "a", accessCode: "", flow: "" }, { below: 0.5 })).toEqual({ from: "a", to: undefined, accessCode: undefined, flow: undefined, version: undefined, granularity: undefined, below: 0.5 });
  });
});

const call = (period: string, calls: number): CallRow => ({
  period,
  calls,
  contained: calls - 1,
  transferred: 1,
  abandoned: 0,
  turns: calls * 3,
  turns_per_call: 3,
  latency_p50_ms: 120,
  latency_p95_ms: 400,
});

describe("call series", () => {
  it("has every day of the range: zero calls where none started, no latency there", () => {
    const s = callSeries([call("2026-03-02", 4), call("2026-03-04", 2)], "2026-03-01T00:00:00+00:00", "2026-03-05T00:00:00+00:00", "day");
    expect(s.periods).toEqual(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]);
    expect(s.calls).toEqual([0, 4, 0, 2]);
    expect(s.transferred).toEqual([0, 1, 0, 1]);
    expect(s.p95).toEqual([null, 400, null, 400]);
    expect(s.x[1]).toBe(Date.parse("2026-03-02T00:00:00Z") / 1000);
  });

  it("counts hours the way the API names them", () => {
    expect(periodStarts("2026-03-01T22:00:00Z", "2026-03-02T01:00:00Z", "hour")).toHaveLength(3);
    const s = callSeries([call("2026-03-01T23:00Z", 5)], "2026-03-01T22:00:00Z", "2026-03-02T01:00:00Z", "hour");
    expect(s.periods).toEqual(["2026-03-01T22:00Z", "2026-03-01T23:00Z", "2026-03-02T00:00Z"]);
    expect(s.calls).toEqual([0, 5, 0]);
  });

  it("formats shares, latency and file names for reading", () => {
    expect(share(37, 100)).toBe("37.0%");
    expect(share(0, 0)).toBe("—");
    expect(share(1, 1)).toBe("100%");
    expect(millis(1530)).toBe("1.53 s");
    expect(millis(null)).toBe("—");
    expect(csvName("calls", "2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z")).toBe("oiap-calls-2026-03-01-2026-03-08.csv");
  });
});
