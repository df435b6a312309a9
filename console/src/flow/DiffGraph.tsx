// The draft's graph for the release page, with what it adds, changes and removes against the
// live version marked (GET /flows/{code}/diff). Removed nodes are drawn again, crossed out,
// from the live flow when the page has it.
import "@xyflow/react/dist/style.css";
import "./flow.css";
import { ReactFlowProvider } from "@xyflow/react";
import { useMemo } from "react";
import type { Flow, FlowDiff } from "../api/flows";
import { FlowCanvas } from "./FlowCanvas";
import { diffMarks, flowWithRemoved } from "./model/diff";

export interface DiffGraphProps {
  draft: Flow;
  diff: FlowDiff;
  /** The live version's flow, to draw removed nodes with their kind and branches. */
  live?: Flow;
  /** CSS height of the graph (default 480px). */
  height?: string;
}

export function DiffGraph({ draft, diff, live, height = "480px" }: DiffGraphProps) {
  const flow = useMemo(() => flowWithRemoved(draft, diff, live), [draft, diff, live]);
  const marks = useMemo(() => diffMarks(diff), [diff]);
  const { added, changed, removed } = diff.nodes;
  return (
    <figure className="flow-diff-graph" data-testid="diff-graph" style={{ height }}>
      <figcaption className="flow-diff-legend">
        <span className="flow-legend is-added">{added.length} added</span>
        <span className="flow-legend is-changed">{changed.length} changed</span>
        <span className="flow-legend is-removed">{removed.length} removed</span>
        <span className="muted">{diff.version === null ? "nothing published yet" : `against version ${diff.version}`}</span>
      </figcaption>
      <ReactFlowProvider>
        <FlowCanvas flow={flow} readOnly diff={marks} testIdPrefix="diff-node-" testId="diff-graph-canvas" label={`Changes of flow ${draft.name} on its graph`} />
      </ReactFlowProvider>
    </figure>
  );
}

