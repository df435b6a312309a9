// How one flow node looks on the graph: its kind's colour and icon, its title, its id and the
// parameter that tells it apart; marks for problems, the lit test-call path and the diff.
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import type { CSSProperties } from "react";
import type { Problem } from "../api/flows";
import { useCanvasActions } from "./canvasContext";
import { KindIcon } from "./KindIcon";
import type { NodeMark } from "./model/analytics";
import type { DiffMark } from "./model/diff";
import type { FlowNodeData } from "./model/graph";
import { kindOf } from "./model/kinds";

export interface ViewNodeData extends FlowNodeData {
  problems: Problem[];
  lit: boolean;
  diff: DiffMark | null;
  match: boolean;
  connectable: boolean;
  /** Whether the analytics overlay is on, and this node's figures (null: no visits). */
  overlay?: boolean;
  figures?: NodeMark | null;
}

export type ViewNode = Node<ViewNodeData, "flowNode">;

const DIFF_TEXT: Record<DiffMark, string> = { added: "added", changed: "changed", removed: "removed" };

export function FlowNodeView({ data, selected }: NodeProps<ViewNode>) {
  const { openSubflow, testIdPrefix } = useCanvasActions();
  const { node, missing } = data;
  const spec = kindOf(node);
  const classes = ["flow-node"];
  if (selected) classes.push("is-selected");
  if (data.problems.length) classes.push("has-problems");
  if (data.lit) classes.push("is-lit");
  if (data.match) classes.push("is-match");
  if (missing) classes.push("is-missing");
  if (data.diff) classes.push(`is-${data.diff}`);
  const figures = data.overlay ? (data.figures ?? null) : null;
  if (data.overlay) classes.push("has-figures", figures?.level != null ? `flow-drop-${figures.level}` : "flow-drop-none");
  const style = { "--flow-hue": spec?.hue ?? 220 } as CSSProperties;
  const subflow = node.kind === "subflow" && typeof node.params?.flow === "string" ? node.params.flow : null;
  return (
    <div
      className={classes.join(" ")}
      style={style}
      data-testid={`${testIdPrefix}${node.id}`}
      data-kind={node.kind}
      title={data.overlay ? `${node.id}: ${figures?.text ?? "no visits in this range"}` : undefined}
      data-drop-level={figures?.level ?? undefined}
    >
      {missing ? null : <Handle type="target" position={Position.Left} isConnectable={data.connectable} />}
      <div className="flow-node-head">
        <span className="flow-node-icon">
          <KindIcon kind={node.kind} />
        </span>
        <span className="flow-node-title">{data.title}</span>
        {data.problems.length ? (
          <span className="flow-node-badge flow-badge-problem" title={data.problems.map((p) => p.message).join("\n")}>
            {data.problems.length}
            <span className="visually-hidden"> problems</span>
          </span>
        ) : null}
        {data.diff ? <span className={`flow-node-badge flow-badge-${data.diff}`}>{DIFF_TEXT[data.diff]}</span> : null}
        {data.overlay ? (
          <span className="flow-node-badge flow-badge-figures" data-testid={`figures-${node.id}`}>
            {figures ? `${figures.row.visits} · ${figures.dropRate === null ? "–" : `${Math.round(figures.dropRate * 100)}%`}` : "0"}
            <span className="visually-hidden">: {figures?.text ?? "no visits in this range"}</span>
          </span>
        ) : null}
      </div>
      <div className="flow-node-id mono">{missing ? "not in the flow" : node.id}</div>
      <div className="flow-node-summary">
        {data.summary}
        {subflow && openSubflow ? (
          <button
            type="button"
            className="flow-node-open nodrag"
            onClick={(event) => {
              event.stopPropagation();
              openSubflow(subflow);
            }}
          >
            Open
            <span className="visually-hidden"> sub-flow {subflow}</span>
          </button>
        ) : null}
      </div>
      {missing || spec?.terminal ? null : (
        <Handle type="source" position={Position.Right} isConnectable={data.connectable} />
      )}
    </div>
  );
}
