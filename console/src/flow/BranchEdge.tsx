// A branch on the graph: the route ELK laid out (orthogonal, around other nodes) while both
// ends stay where the layout put them, else a smooth step; its condition as a label.
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type Edge, type EdgeProps } from "@xyflow/react";
import type { Problem } from "../api/flows";
import type { EdgeMark } from "./model/analytics";
import type { BranchEdgeData } from "./model/graph";
import type { Point } from "./model/layout";

export interface ViewEdgeData extends BranchEdgeData {
  route: { points: Point[]; label: Point | null } | null;
  problems: Problem[];
  lit: boolean;
  /** The analytics overlay's traffic through this branch; null when the overlay is off. */
  traffic?: EdgeMark | null;
}

export type ViewEdge = Edge<ViewEdgeData, "branch">;

const CORNER = 8;

/** An orthogonal polyline with rounded corners. */
export function roundedPath(points: readonly Point[]): string {
  if (points.length === 0) return "";
  const [first] = points as [Point];
  let d = `M ${first.x} ${first.y}`;
  for (let i = 1; i < points.length; i++) {
    const p = points[i] as Point;
    const next = points[i + 1];
    if (!next) {
      d += ` L ${p.x} ${p.y}`;
      break;
    }
    const prev = points[i - 1] as Point;
    const r = Math.min(CORNER, Math.hypot(p.x - prev.x, p.y - prev.y) / 2, Math.hypot(next.x - p.x, next.y - p.y) / 2);
    const a = toward(p, prev, r);
    const b = toward(p, next, r);
    d += ` L ${a.x} ${a.y} Q ${p.x} ${p.y} ${b.x} ${b.y}`;
  }
  return d;
}

function toward(from: Point, to: Point, distance: number): Point {
  const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  return { x: from.x + ((to.x - from.x) / length) * distance, y: from.y + ((to.y - from.y) / length) * distance };
}

function near(a: Point | undefined, x: number, y: number): boolean {
  return a !== undefined && Math.abs(a.x - x) < 10 && Math.abs(a.y - y) < 10;
}

/** The laid-out route with its ends moved onto the handles (a few pixels off the ports). */
function snapped(points: readonly Point[], source: Point, target: Point): Point[] {
  const out = points.map((p) => ({ ...p }));
  const first = out[0] as Point;
  const second = out[1] as Point;
  const last = out[out.length - 1] as Point;
  const beforeLast = out[out.length - 2] as Point;
  if (out.length > 2 && second.y === first.y) second.y = source.y;
  if (out.length > 2 && beforeLast.y === last.y) beforeLast.y = target.y;
  out[0] = source;
  out[out.length - 1] = target;
  return out;
}

export function BranchEdge(props: EdgeProps<ViewEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  const route = data?.route;
  let path: string;
  let labelX: number;
  let labelY: number;
  if (route && near(route.points[0], sourceX, sourceY) && near(route.points.at(-1), targetX, targetY)) {
    path = roundedPath(snapped(route.points, { x: sourceX, y: sourceY }, { x: targetX, y: targetY }));
    const middle = route.points[Math.floor(route.points.length / 2)] as Point;
    labelX = route.label?.x ?? middle.x;
    labelY = route.label?.y ?? middle.y;
  } else {
    [path, labelX, labelY] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: CORNER });
  }
  const classes = ["flow-edge"];
  if (data?.lit) classes.push("is-lit");
  if (data?.problems.length) classes.push("has-problems");
  if (selected) classes.push("is-selected");
  const traffic = data?.traffic ?? null;
  if (traffic) classes.push(traffic.count ? "has-traffic" : "is-idle");
  const label = traffic ? `${data?.label ? `${data.label} · ` : ""}${traffic.count}` : data?.label;
  const title = [traffic?.text, ...(data?.problems.map((p) => p.message) ?? [])].filter(Boolean).join("\n") || undefined;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={classes.join(" ")} interactionWidth={Math.max(14, traffic?.width ?? 0)} style={traffic ? { strokeWidth: traffic.width } : undefined} />
      {label ? (
        <EdgeLabelRenderer>
          <div
            className={`flow-edge-label ${classes.slice(1).join(" ")} condition-${data?.condition ?? "default"}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            data-testid={`edge-label-${id}`}
            title={title}
            data-traffic={traffic ? traffic.count : undefined}
          >
            {label}
            {traffic ? <span className="visually-hidden">: {traffic.text}</span> : null}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}
