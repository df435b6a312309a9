import { describe, expect, it } from "vitest";
import { checkRouting, describeRule, parseNumberList, toDrafts, versionFor } from "./grayRules";

describe("parseNumberList", () => {
  it("splits on lines, commas, semicolons and spaces; drops blanks and repeats", () => {
    expect(parseNumberList("139\n 138, 137;136  139\n\n").values).toEqual(["139", "138", "137", "136"]);
  });

  it("refuses numbers longer than 32 characters", () => {
    const parsed = parseNumberList(`139 ${"1".repeat(33)}`);
    expect(parsed.values).toEqual(["139"]);
    expect(parsed.problems).toHaveLength(1);
  });

  it("keeps a leading plus", () => {
    expect(parseNumberList("+8613800000000").values).toEqual(["+8613800000000"]);
  });
});

describe("checkRouting", () => {
  const versions = [1, 2, 3];

  it("turns the drafts into rules", () => {
    const check = checkRouting(3, [{ version: 2, numbers: "13800000000", prefixes: "139\n137" }], versions);
    expect(check.problems).toEqual([]);
    expect(check.rules).toEqual([{ version: 2, numbers: ["13800000000"], prefixes: ["139", "137"] }]);
  });

  it("refuses what the server refuses", () => {
    const check = checkRouting(
      3,
      [
        { version: 3, numbers: "1", prefixes: "" },
        { version: 2, numbers: "", prefixes: " " },
        { version: 2, numbers: "5", prefixes: "" },
        { version: 9, numbers: "5", prefixes: "" },
      ],
      versions,
    );
    expect(check.problems.join("\n")).toMatch(/default version/);
    expect(check.problems.join("\n")).toMatch(/at least one/);
    expect(check.problems.join("\n")).toMatch(/one gray rule at most/);
    expect(check.problems.join("\n")).toMatch(/version 9: the version does not exist/);
  });

  it("needs a default version", () => {
    expect(checkRouting(null, [], versions).problems).toHaveLength(1);
  });

  it("round-trips the server's rules", () => {
    const rules = [{ version: 1, numbers: ["a", "b"], prefixes: ["139"] }];
    expect(checkRouting(2, toDrafts(rules), versions).rules).toEqual(rules);
  });
});

describe("versionFor", () => {
  const rules = [
    { version: 1, numbers: ["13912345678"], prefixes: ["13"] },
    { version: 2, numbers: [], prefixes: ["139"] },
  ];

  it("prefers an exact number, then the longest prefix, then the default", () => {
    expect(versionFor("13912345678", 3, rules)).toBe(1);
    expect(versionFor("13900000000", 3, rules)).toBe(2);
    expect(versionFor("13800000000", 3, rules)).toBe(1);
    expect(versionFor("15000000000", 3, rules)).toBe(3);
  });
});

describe("describeRule", () => {
  it("shows prefixes with an ellipsis and counts the rest", () => {
    expect(describeRule({ numbers: ["1", "2", "3"], prefixes: ["139"] })).toBe("139…, 1, 2 (+1 more)");
  });
});
