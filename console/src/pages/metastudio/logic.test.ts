import { describe, expect, it } from "vitest";
import type { Dialog } from "../../api/metastudio";
import { dialogInput, formatDuration, formOfDialog, jobStateTone, parseConcurrency, parseValidPeriod, pickProject } from "./logic";

const desk: Dialog = {
  dialogId: "d1",
  name: "desk",
  description: null,
  concurrency: 2,
  applicationId: null,
  billingMode: "CONCURRENCY",
  defaultLanguage: "CN",
  exitMuteThreshold: null,
  lastJobStart: null,
  createTime: "2024-01-01T00:00:00+00:00",
  updateTime: "2024-01-01T00:00:00+00:00",
};

describe("parseConcurrency", () => {
  it("reads empty as none and whole numbers 0-1024", () => {
    expect(parseConcurrency("  ")).toEqual({ ok: true, value: null });
    expect(parseConcurrency(" 3 ")).toEqual({ ok: true, value: 3 });
    expect(parseConcurrency("0")).toEqual({ ok: true, value: 0 });
  });

  it("refuses what the server would", () => {
    for (const text of ["-1", "1.5", "two", "1025"]) expect(parseConcurrency(text).ok).toBe(false);
  });
});

describe("parseValidPeriod", () => {
  it("takes days 0-65535", () => {
    expect(parseValidPeriod("7")).toEqual({ ok: true, value: 7 });
    expect(parseValidPeriod("65536").ok).toBe(false);
    expect(parseValidPeriod("").ok).toBe(false);
  });
});

describe("dialogInput", () => {
  it("sends every member for a new dialog", () => {
    expect(dialogInput({ name: " lobby ", concurrency: "", description: "" }, null)).toEqual({ ok: true, value: { name: "lobby", concurrency: null } });
    expect(dialogInput({ name: "a", concurrency: "2", description: "by the door" }, null)).toEqual({
      ok: true,
      value: { name: "a", concurrency: 2, description: "by the door" },
    });
  });

  it("sends only what changed for an existing one", () => {
    const form = formOfDialog(desk);
    expect(form).toEqual({ name: "desk", concurrency: "2", description: "" });
    expect(dialogInput(form, desk)).toEqual({ ok: true, value: {} });
    expect(dialogInput({ ...form, concurrency: "" }, desk)).toEqual({ ok: true, value: { concurrency: null } });
    expect(dialogInput({ ...form, name: "front", description: "x" }, desk)).toEqual({ ok: true, value: { name: "front", description: "x" } });
    expect(dialogInput({ ...form, description: "" }, { ...desk, description: "old" })).toEqual({ ok: true, value: { description: "" } });
  });

  it("names the first problem", () => {
    expect(dialogInput({ name: " ", concurrency: "1", description: "" }, null)).toEqual({ ok: false, error: "Give the dialog a name." });
    expect(dialogInput({ name: "a", concurrency: "x", description: "" }, null).ok).toBe(false);
  });
});

describe("jobs and projects", () => {
  it("gives each job state a tone", () => {
    expect(jobStateTone("PROCESSING")).toBe("primary");
    expect(jobStateTone("FAILED")).toBe("danger");
    expect(jobStateTone("SOMETHING")).toBe("neutral");
  });

  it("formats durations", () => {
    expect(formatDuration(4.4)).toBe("4 s");
    expect(formatDuration(185)).toBe("3 min 5 s");
    expect(formatDuration(7440)).toBe("2 h 4 min");
  });

  it("picks the asked project, else the first", () => {
    const projects = [{ projectId: "a" }, { projectId: "b" }];
    expect(pickProject(projects, "b")).toEqual({ projectId: "b" });
    expect(pickProject(projects, "gone")).toEqual({ projectId: "a" });
    expect(pickProject([], null)).toBeNull();
  });
});
