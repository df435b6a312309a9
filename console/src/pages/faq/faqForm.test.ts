import { describe, expect, it } from "vitest";
import { faqBodyOf } from "../../api/bots";
import { emptyQuestion, groupBody, groupProblems, parseKeywords, questionBody, questionForm, questionProblems } from "./faqForm";

describe("the question form", () => {
  it("reads statements one per line and keywords by comma or line", () => {
    const body = questionBody({
      question: "  Where can I park? ",
      answer: "Behind the branch.",
      similar: "Is there parking?\n\nIs there parking?\nWhere do I leave my car",
      keywords: "parking, car\ngarage,,",
      similarAnswers: "",
    });
    expect(body).toEqual({
      question: "Where can I park?",
      answer: "Behind the branch.",
      similar: ["Is there parking?", "Where do I leave my car"],
      keywords: ["parking", "car", "garage"],
      similar_answers: [],
    });
  });

  it("gives back what it was filled from, as the server answered it", () => {
    const item = {
      id: 7,
      faqGroupId: 2,
      question: "Q?",
      answer: "A.",
      simQuestions: [{ id: 1, elementId: 7, statement: "Q again?", type: "Q" }],
      simAnswers: [{ id: 1, elementId: 7, statement: "A again.", type: "A" }],
      keywords: [{ w: "k1" }, { w: "k2" }],
    };
    const body = faqBodyOf(item);
    expect(questionBody(questionForm(body))).toEqual(body);
  });

  it("names the fields the server would refuse", () => {
    expect(questionProblems(emptyQuestion)).toEqual({ question: "A question is needed.", answer: "An answer is needed." });
    const problems = questionProblems({ ...emptyQuestion, question: "Q", answer: "A", keywords: "a|b" });
    expect(Object.keys(problems)).toEqual(["keywords"]);
    const many = Array.from({ length: 21 }, (_, i) => `k${i}`).join(",");
    expect(questionProblems({ ...emptyQuestion, question: "Q", answer: "A", keywords: many }).keywords).toMatch(/20/);
    expect(parseKeywords(" , ")).toEqual([]);
  });
});

describe("the group form", () => {
  it("sends the language only for a new group", () => {
    const form = { name: " Branches ", language: "fr_FR", description: " Opening hours ", active: false };
    expect(groupBody(form, true)).toEqual({ group: "Branches", language: "fr_FR", description: "Opening hours", active: false });
    expect(groupBody(form, false)).toEqual({ group: "Branches", description: "Opening hours", active: false });
  });

  it("needs a name of at most 64 characters", () => {
    expect(groupProblems({ name: " ", language: "en_US", description: "", active: true }).name).toBeTruthy();
    expect(groupProblems({ name: "x".repeat(65), language: "en_US", description: "", active: true }).name).toMatch(/64/);
    expect(groupProblems({ name: "ok", language: "en_US", description: "", active: true })).toEqual({});
  });
});
