import { describe, expect, it } from "vitest";
import { diffLines, diffStats } from "./diff";
import { parseExamples } from "./examples";
import { can } from "../session/roles";
import { safeNext } from "../pages/SignInPage";

describe("diffLines", () => {
  it("classifies a unified diff", () => {
    const lines = diffLines("--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n same\n");
    expect(lines.map((l) => l.kind)).toEqual(["meta", "meta", "hunk", "del", "add", "same"]);
    expect(diffStats(lines)).toEqual({ added: 1, removed: 1 });
  });

  it("is empty for no difference", () => {
    expect(diffLines("")).toEqual([]);
  });
});

describe("parseExamples", () => {
  it("keeps one trimmed example per line, without repeats", () => {
    expect(parseExamples(" check my balance \n\nhow much money\ncheck my balance")).toEqual(["check my balance", "how much money"]);
  });
});

describe("roles", () => {
  it("rank viewer < editor < admin <= platform", () => {
    expect(can("viewer", "read")).toBe(true);
    expect(can("viewer", "edit")).toBe(false);
    expect(can("editor", "edit")).toBe(true);
    expect(can("editor", "release")).toBe(false);
    expect(can("admin", "release")).toBe(true);
    expect(can("admin", "manageUsers")).toBe(true);
    expect(can("platform", "release")).toBe(true);
    expect(can(null, "read")).toBe(false);
  });
});

describe("safeNext", () => {
  it("follows console paths only", () => {
    expect(safeNext("/flows/hotline")).toBe("/flows/hotline");
    expect(safeNext("//evil.example/")).toBe("/");
    expect(safeNext("https://evil.example/")).toBe("/");
    expect(safeNext("/sign-in?next=/x")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });
});
