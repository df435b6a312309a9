import type { ReactNode } from "react";
import type { ApiState } from "../lib/useApi";
import { ErrorNotice, Loading } from "./Feedback";

/** Renders the loading state, the error (code and message, with Retry) or the data. */
export function ApiView<T>({ state, children, loadingLabel }: { state: ApiState<T>; children: (data: T) => ReactNode; loadingLabel?: string }) {
  if (state.error) return <ErrorNotice error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading label={loadingLabel} />;
  return <>{children(state.data)}</>;
}
