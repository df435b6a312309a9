import { Component, Suspense, lazy } from "react";
import type { ErrorInfo, ReactNode } from "react";
import type { Flow } from "../../api/flows";
import type { DraftDiff } from "../../api/versions";
import { Loading, Notice } from "../../ui";

// React Flow and elkjs stay in their own chunk: the releases page loads them only when an
// author reviews a publish.
const DiffGraph = lazy(() => import("../../flow/DiffGraph").then((module) => ({ default: module.DiffGraph })));

/** Keeps the YAML diff and the publish button usable when the graph cannot be drawn. */
class GraphBoundary extends Component<{ children: ReactNode }, { failed: string | null }> {
  override state = { failed: null as string | null };

  static getDerivedStateFromError(error: unknown) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error("The diff graph failed", error, info.componentStack);
  }

  override render() {
    if (this.state.failed !== null) {
      return (
        <Notice kind="warning" testId="diff-graph-failed">
          The graph could not be drawn ({this.state.failed}); the YAML diff below shows every change.
        </Notice>
      );
    }
    return this.props.children;
  }
}

interface Props {
  diff: DraftDiff;
  draft: Flow;
  /** The live version's flow, so removed nodes are drawn with their kind; optional. */
  live?: Flow;
}

/** The draft's graph with what it adds, changes and removes against the live version. */
export function DiffGraphPanel({ diff, draft, live }: Props) {
  const { added, removed, changed } = diff.nodes;
  const nodesDiffer = added.length + removed.length + changed.length > 0;
  return (
    <section className="stack" aria-label="Changes on the graph" data-testid="diff-graph-panel">
      <h3>On the graph</h3>
      {nodesDiffer ? (
        <GraphBoundary>
          <Suspense fallback={<Loading label="Drawing the graph…" />}>
            <DiffGraph draft={draft} diff={diff} live={live} height="360px" />
          </Suspense>
        </GraphBoundary>
      ) : (
        <p className="muted" data-testid="diff-graph-same">
          No node is added, removed or changed{diff.yaml.unified.trim() ? "; the changes below are of the flow's own fields." : "."}
        </p>
      )}
    </section>
  );
}
