import { describe, expect, it } from "vitest";
import { formatValues, parseValues, slotDraft, slotOf, slotProblems } from "./slots";

describe("slot values typed as lines", () => {
  it("reads canonical values with their synonyms", () => {
    expect(parseValues("debit: debit card, bank card ,atm card\n\ncredit: credit card, visa\ncash")).toEqual({
      values: { debit: ["debit card", "bank card", "atm card"], credit: ["credit card", "visa"], cash: [] },
      repeated: [],
    });
  });

  it("writes what it reads", () => {
    const values = { debit: ["debit card", "atm card"], cash: [] };
    expect(parseValues(formatValues(values)).values).toEqual(values);
  });

  it("notices a value listed twice", () => {
    expect(parseValues("debit: a\ndebit: b").repeated).toEqual(["debit"]);
  });
});

describe("a slot in the editor", () => {
  it("round-trips a pattern slot and a values slot as the domain PUT takes them", () => {
    const pattern = { name: "amount", regex: "\\d+(\\.\\d{1,2})?" };
    const values = { name: "cardType", values: { debit: ["bank card"], credit: ["visa"] } };
    expect(slotOf(slotDraft({ ...pattern, values: null }))).toEqual(pattern);
    expect(slotOf(slotDraft({ ...values, regex: null }))).toEqual(values);
  });

  it("names the slot and intent of each problem", () => {
    const problems = slotProblems("report_card", [
      { name: "cardType", kind: "values", regex: "", values: "" },
      { name: "cardType", kind: "regex", regex: "", values: "" },
      { name: "", kind: "regex", regex: "\\d+", values: "" },
    ]);
    expect(problems).toEqual([
      "Slot cardType of report_card needs at least one value.",
      "Slot cardType of report_card is named twice.",
      "Slot cardType of report_card needs a pattern.",
      "Slot 3 of report_card needs a name.",
    ]);
    expect(slotProblems("x", [{ name: "n", kind: "values", regex: "", values: "a: b" }])).toEqual([]);
  });
});
