// The validation problems of the draft, each pointing at its node or branch: clicking one
// selects that node on the graph (and the branch in the inspector).
import type { Problem } from "../api/flows";
import type { ValidationState } from "./useDraftEditor";
import { problemPlace } from "./model/problems";

export function ProblemsPanel({ validation, onPick }: { validation: ValidationState; onPick: (problem: Problem) => void }) {
  const problems = "problems" in validation ? validation.problems : [];
  const status =
    validation.kind === "idle"
      ? "Not checked yet"
      : validation.kind === "checking"
        ? "Checking…"
        : validation.kind === "error"
          ? `Validation failed: ${validation.error.errorCode} ${validation.error.errorMsg}`
          : problems.length === 0
            ? "No problems: the draft passes the publishing checks."
            : `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
  return (
    <section className="flow-problems" data-testid="problems-panel" aria-label="Problems">
      <h2 className="flow-panel-title">
        Problems <span className={`flow-count ${problems.length ? "is-bad" : "is-good"}`}>{problems.length}</span>
      </h2>
      <p className={validation.kind === "error" ? "flow-warning" : "muted"} role="status" data-testid="problems-status">
        {status}
      </p>
      {problems.length ? (
        <ul className="flow-problem-list">
          {problems.map((p, i) => (
            <li key={i}>
              {p.node !== null ? (
                <button type="button" className="flow-problem" onClick={() => onPick(p)} data-testid={`problem-${i}`}>
                  <span className="flow-problem-place mono">{problemPlace(p)}</span>
                  <span>{p.message}</span>
                </button>
              ) : (
                <div className="flow-problem" data-testid={`problem-${i}`}>
                  <span className="flow-problem-place mono">{problemPlace(p)}</span>
                  <span>{p.message}</span>
                </div>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
