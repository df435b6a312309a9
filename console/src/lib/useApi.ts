import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api/client";

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  /** Loads again (after a write, or from a Retry button). */
  reload: () => void;
}

interface Stored<T> {
  key: string;
  base: string;
  data: T | undefined;
  error: ApiError | null;
}

/** Wraps anything thrown into an ApiError so every page can show a code and a message. */
export function toApiError(cause: unknown): ApiError {
  if (cause instanceof ApiError) return cause;
  const msg = cause instanceof Error ? cause.message : String(cause);
  return new ApiError(0, "CLIENT", msg);
}

/**
 * Runs `load` when `key` changes (and on reload) and keeps its answer. Loading is derived
 * from whether the stored answer belongs to the current key and round.
 */
export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, key: string): ApiState<T> {
  const [round, setRound] = useState(0);
  const [stored, setStored] = useState<Stored<T>>({ key: "", base: "", data: undefined, error: null });
  const fullKey = `${key}#${round}`;

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => setStored({ key: fullKey, base: key, data, error: null }),
      (cause: unknown) => {
        if (controller.signal.aborted) return;
        setStored((previous) => ({
          key: fullKey,
          base: key,
          data: previous.base === key ? previous.data : undefined,
          error: toApiError(cause),
        }));
      },
    );
    return () => controller.abort();
    // `load` is a fresh closure every render; the key says when its inputs changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fullKey]);

  const reload = useCallback(() => setRound((value) => value + 1), []);
  const current = stored.key === fullKey;
  return {
    // An answer for another key (e.g. the previous flow) is never shown as this one's.
    data: stored.base === key ? stored.data : undefined,
    error: current ? stored.error : null,
    loading: !current,
    reload,
  };
}
