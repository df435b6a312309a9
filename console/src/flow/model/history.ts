// Undo and redo over whole flows. Flows are immutable values, so a step is just the flow
// before it; typing into one field coalesces into a single step.

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** The coalescing key of the last step, if it may absorb the next one. */
  lastKey: string | null;
}

export const HISTORY_LIMIT = 200;

export function historyOf<T>(present: T): History<T> {
  return { past: [], present, future: [], lastKey: null };
}

/**
 * Records `next` as the present. With a `key` equal to the previous step's (the same field
 * being typed into), the two steps become one, so undo takes back the whole edit.
 */
export function commit<T>(history: History<T>, next: T, key: string | null = null): History<T> {
  if (Object.is(next, history.present)) return history;
  if (key !== null && key === history.lastKey && history.past.length > 0) {
    return { ...history, present: next, future: [] };
  }
  const past = [...history.past, history.present].slice(-HISTORY_LIMIT);
  return { past, present: next, future: [], lastKey: key };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past[history.past.length - 1];
  if (previous === undefined) return history;
  return {
    past: history.past.slice(0, -1),
    present: previous,
    future: [history.present, ...history.future],
    lastKey: null,
  };
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...future] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future, lastKey: null };
}

export function canUndo<T>(history: History<T>): boolean {
  return history.past.length > 0;
}

export function canRedo<T>(history: History<T>): boolean {
  return history.future.length > 0;
}

/** Ends coalescing: the next edit of the same field is a step of its own (e.g. on blur). */
export function seal<T>(history: History<T>): History<T> {
  return history.lastKey === null ? history : { ...history, lastKey: null };
}
