// The draft being edited: its undo history, autosave (a debounced PUT) and validation as
// you edit (a debounced POST validate). The history's present flow is the only copy.
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { ApiError } from "../api/client";
import { putDraft, validateFlow, type Flow, type Problem } from "../api/flows";
import { toApiError } from "../lib/useApi";
import { canRedo, canUndo, commit, historyOf, redo, seal, undo, type History } from "./model/history";

export const SAVE_DELAY_MS = 800;
export const VALIDATE_DELAY_MS = 400;

export type SaveState =
  | { kind: "saved" }
  | { kind: "pending" }
  | { kind: "saving" }
  | { kind: "error"; error: ApiError };

export type ValidationState =
  | { kind: "idle" }
  | { kind: "checking"; problems: Problem[] }
  | { kind: "done"; problems: Problem[] }
  | { kind: "error"; error: ApiError; problems: Problem[] };

type Action =
  | { type: "edit"; change: (flow: Flow) => Flow; key: string | null }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "seal" }
  | { type: "reset"; flow: Flow };

function reducer(history: History<Flow>, action: Action): History<Flow> {
  switch (action.type) {
    case "edit":
      return commit(history, action.change(history.present), action.key);
    case "undo":
      return undo(history);
    case "redo":
      return redo(history);
    case "seal":
      return seal(history);
    case "reset":
      return historyOf(action.flow);
  }
}

export interface DraftEditor {
  flow: Flow;
  /** Applies an edit; edits with the same key in a row are one undo step. */
  edit: (change: (flow: Flow) => Flow, key?: string) => void;
  undo: () => void;
  redo: () => void;
  canUndo: boolean;
  canRedo: boolean;
  /** Ends the current typing step (e.g. when a field loses focus). */
  seal: () => void;
  /** Starts over from `flow` (e.g. the draft made from a version); history is cleared. */
  reset: (flow: Flow) => void;
  save: SaveState;
  /** Saves now what is not saved yet; resolves once the server has it. */
  flush: () => Promise<void>;
  validation: ValidationState;
}

export function useDraftEditor(code: string, loaded: Flow, options: { onEditError?: (error: Error) => void } = {}): DraftEditor {
  const [history, dispatch] = useReducer(reducer, loaded, historyOf);
  const flow = history.present;
  const saved = useRef<Flow>(loaded);
  // The same as `saved`, for rendering (refs are for the async save; state for the screen).
  const [savedFlow, setSavedFlow] = useState<Flow>(loaded);
  const [saveState, setSaveState] = useState<SaveState>({ kind: "saved" });
  const [validation, setValidation] = useState<ValidationState>({ kind: "idle" });
  const inFlight = useRef<Promise<void> | null>(null);
  const latest = useRef(flow);
  const { onEditError } = options;

  useEffect(() => {
    latest.current = flow;
  }, [flow]);

  const saveNow = useCallback(async (): Promise<void> => {
    if (inFlight.current) await inFlight.current.catch(() => undefined);
    const target = latest.current;
    if (target === saved.current) {
      setSaveState({ kind: "saved" });
      return;
    }
    setSaveState({ kind: "saving" });
    const run = putDraft(code, target).then(
      () => {
        saved.current = target;
        setSavedFlow(target);
        setSaveState(latest.current === target ? { kind: "saved" } : { kind: "pending" });
      },
      (cause: unknown) => {
        setSaveState({ kind: "error", error: toApiError(cause) });
        throw cause;
      },
    );
    inFlight.current = run;
    try {
      await run;
    } finally {
      if (inFlight.current === run) inFlight.current = null;
    }
  }, [code]);

  // Autosave: a quiet moment after the last edit.
  useEffect(() => {
    if (flow === saved.current) return;
    const timer = window.setTimeout(() => {
      void saveNow().catch(() => undefined);
    }, SAVE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [flow, saveNow]);

  // Validation as you edit; the last answer stays until the next one arrives.
  useEffect(() => {
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      setValidation((v) => ({ kind: "checking", problems: "problems" in v ? v.problems : [] }));
      validateFlow(code, flow, controller.signal).then(
        (answer) => setValidation({ kind: "done", problems: answer.problems }),
        (cause: unknown) => {
          if (controller.signal.aborted) return;
          setValidation((v) => ({ kind: "error", error: toApiError(cause), problems: "problems" in v ? v.problems : [] }));
        },
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [code, flow]);

  // Leaving the page with unsaved edits asks first.
  const dirty = flow !== savedFlow || saveState.kind !== "saved";
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const edit = useCallback(
    (change: (flow: Flow) => Flow, key?: string) => {
      // Run the change once here so a refused edit (e.g. a taken id) is reported, not thrown
      // inside the reducer.
      try {
        change(latest.current);
      } catch (error) {
        onEditError?.(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      dispatch({ type: "edit", change, key: key ?? null });
      setSaveState((s) => (s.kind === "saving" ? s : { kind: "pending" }));
    },
    [onEditError],
  );

  const reset = useCallback((next: Flow) => {
    saved.current = next;
    setSavedFlow(next);
    latest.current = next;
    dispatch({ type: "reset", flow: next });
    setSaveState({ kind: "saved" });
  }, []);

  return {
    flow,
    edit,
    undo: useCallback(() => dispatch({ type: "undo" }), []),
    redo: useCallback(() => dispatch({ type: "redo" }), []),
    canUndo: canUndo(history),
    canRedo: canRedo(history),
    seal: useCallback(() => dispatch({ type: "seal" }), []),
    reset,
    save: flow !== savedFlow && saveState.kind === "saved" ? { kind: "pending" } : saveState,
    flush: saveNow,
    validation,
  };
}
