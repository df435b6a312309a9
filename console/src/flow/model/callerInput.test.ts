import { describe, expect, it } from "vitest";
import { callerLine, parseCallerLine } from "./callerInput";

describe("a caller's line", () => {
  it("reads text, keys and events as oiap chat does", () => {
    expect(parseCallerLine("I lost my card")).toEqual({ kind: "text", value: "I lost my card" });
    expect(parseCallerLine("#1")).toEqual({ kind: "keys", value: "1" });
    expect(parseCallerLine(" #12345678# ")).toEqual({ kind: "keys", value: "12345678#" });
    expect(parseCallerLine("/timeout")).toEqual({ kind: "timeout" });
    expect(parseCallerLine("/NoMatch")).toEqual({ kind: "nomatch" });
    expect(parseCallerLine("/hangup")).toEqual({ kind: "hangup" });
  });

  it("refuses what cannot be sent", () => {
    expect(parseCallerLine("  ")).toHaveProperty("error");
    expect(parseCallerLine("#12a")).toHaveProperty("error");
    expect(parseCallerLine("/dance")).toHaveProperty("error");
  });

  it("writes inputs back as lines", () => {
    for (const line of ["hello there", "#0", "/timeout"]) {
      const input = parseCallerLine(line);
      expect("error" in input).toBe(false);
      if (!("error" in input)) expect(callerLine(input)).toBe(line);
    }
  });
});
