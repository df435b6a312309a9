import { describe, expect, it } from "vitest";
import type { Flow } from "../../api/flows";
import hotlineJson from "./__fixtures__/hotline.json";
import { canRedo, canUndo, commit, historyOf, redo, seal, undo } from "./history";
import { addNode, connect, deleteNode, findNode, setParam } from "./operations";

const hotline = hotlineJson as unknown as Flow;

describe("undo and redo", () => {
  it("walks back and forth through edits of the flow", () => {
    let h = historyOf(hotline);
    expect(canUndo(h)).toBe(false);
    const added = addNode(h.present, "end");
    h = commit(h, added.flow);
    h = commit(h, connect(h.present, "goodbye", added.id));
    h = commit(h, deleteNode(h.present, "agent"));
    expect(findNode(h.present, "agent")).toBeUndefined();

    h = undo(h);
    expect(findNode(h.present, "agent")).toBeDefined();
    h = undo(h);
    expect(findNode(h.present, "goodbye")?.branches).toEqual([{ to: "end" }]);
    h = undo(h);
    expect(h.present).toBe(hotline);
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);

    h = redo(h);
    h = redo(h);
    expect(findNode(h.present, "goodbye")?.branches).toHaveLength(2);
    expect(canRedo(h)).toBe(true);
    // A new edit after undo drops what could have been redone.
    h = commit(h, setParam(h.present, "ask", "timeout", 12));
    expect(canRedo(h)).toBe(false);
  });

  it("makes typing into one field a single step until sealed", () => {
    let h = historyOf(hotline);
    for (const text of ["H", "He", "Hel", "Hello"]) {
      h = commit(h, setParam(h.present, "ask", "text", text), "ask.text");
    }
    expect(h.past).toHaveLength(1);
    h = seal(h);
    h = commit(h, setParam(h.present, "ask", "text", "Hello!"), "ask.text");
    expect(h.past).toHaveLength(2);
    h = undo(h);
    expect(findNode(h.present, "ask")?.params?.text).toBe("Hello");
    h = undo(h);
    expect(h.present).toBe(hotline);
  });

  it("ignores a commit that changes nothing", () => {
    const h = historyOf(hotline);
    expect(commit(h, hotline)).toBe(h);
  });
});
