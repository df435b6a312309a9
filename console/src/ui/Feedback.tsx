import type { ReactNode } from "react";
import { ApiError } from "../api/client";
import { Button } from "./Button";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

interface Problem {
  message: string;
  node?: string | null;
  field?: string | null;
}

function problemsOf(error: ApiError): Problem[] {
  const body = error.body as { problems?: unknown } | null;
  if (!body || !Array.isArray(body.problems)) return [];
  return body.problems.map((item: unknown) =>
    typeof item === "string" ? { message: item } : (item as Problem),
  );
}

/** Shows what the server said: its error code and message (and a publish's problems). */
export function ErrorNotice({ error, title, onRetry }: { error: ApiError | Error; title?: string; onRetry?: () => void }) {
  const apiError = error instanceof ApiError ? error : new ApiError(0, "CLIENT", error.message);
  const problems = problemsOf(apiError);
  const heading = title ?? (apiError.status === 403 ? "Not allowed" : "Something went wrong");
  return (
    <div className="notice notice-error" role="alert" data-testid="error-notice">
      <div className="grow">
        <div className="notice-title">{heading}</div>
        <div>
          <span className="notice-code" data-testid="error-code">{apiError.errorCode}</span>
          {apiError.status ? <span className="muted"> (HTTP {apiError.status})</span> : null}
          {": "}
          <span data-testid="error-message">{apiError.errorMsg}</span>
        </div>
        {problems.length ? (
          <ul data-testid="error-problems">
            {problems.map((problem, index) => (
              <li key={index}>
                {problem.node ? <code>{problem.node}</code> : null}
                {problem.node ? ": " : null}
                {problem.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {onRetry ? (
        <Button size="small" onClick={onRetry}>
          Retry
        </Button>
      ) : null}
    </div>
  );
}

export function Notice({ kind = "info", children, testId }: { kind?: "info" | "warning" | "success"; children: ReactNode; testId?: string }) {
  return (
    <div className={`notice notice-${kind}`} data-testid={testId}>
      <div>{children}</div>
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="muted">{children}</p>;
}
