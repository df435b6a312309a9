// The graph of a flow: derived from the flow on every render, laid out by ELK, and every
// gesture (connect, reconnect, delete) handed back as an operation on the flow.
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type EdgeTypes,
  type NodeChange,
  type NodeTypes,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { Flow } from "../api/flows";
import { BranchEdge, type ViewEdge } from "./BranchEdge";
import { CanvasContext } from "./canvasContext";
import { FlowNodeView, type ViewNode } from "./FlowNodeView";
import type { Overlay } from "./model/analytics";
import type { DiffMark } from "./model/diff";
import { flowToGraph, type Graph } from "./model/graph";
import { NODE_HEIGHT, NODE_WIDTH, type Layout, type Point } from "./model/layout";
import { canConnect, connect, deleteElements, retarget } from "./model/operations";
import type { LitPath } from "./model/path";
import type { ProblemMarks } from "./model/problems";
import { placeOf, useLayout } from "./useLayout";

/** What is selected on the graph: a node (by flow node id) or an edge (by edge id). */
export type Selection = { node: string } | { edge: string } | null;

export interface CentreRequest {
  node: string;
  /** Changes on every request, so asking twice for the same node centres again. */
  seq: number;
}

export interface FlowCanvasProps {
  flow: Flow;
  readOnly: boolean;
  selection?: Selection;
  onSelect?: (selection: Selection) => void;
  onEdit?: (change: (flow: Flow) => Flow) => void;
  problems?: ProblemMarks;
  lit?: LitPath;
  diff?: Map<string, DiffMark>;
  matches?: ReadonlySet<string>;
  centre?: CentreRequest | null;
  openSubflow?: (code: string) => void;
  /** Analytics figures drawn over the graph (derived data keyed by node and edge id). */
  overlay?: Overlay | null;
  testIdPrefix?: string;
  testId?: string;
  label?: string;
}

const nodeTypes: NodeTypes = { flowNode: FlowNodeView };
const edgeTypes: EdgeTypes = { branch: BranchEdge };
const READABLE_ZOOM = 0.6;
const NO_PROBLEMS: ProblemMarks = { nodes: new Map(), edges: new Map(), flow: [] };
const NOTHING_LIT: LitPath = { nodes: new Set(), edges: new Set() };

interface Moved {
  layout: Layout | null;
  at: Map<string, Point>;
}

function flowIdOf(graph: Graph, graphId: string): string | undefined {
  const node = graph.nodes.find((n) => n.id === graphId);
  return node && !node.data.missing ? node.data.node.id : undefined;
}

export function FlowCanvas(props: FlowCanvasProps) {
  const { flow, readOnly, selection = null, onSelect, onEdit, centre, openSubflow } = props;
  const problems = props.problems ?? NO_PROBLEMS;
  const lit = props.lit ?? NOTHING_LIT;
  const overlay = props.overlay ?? null;
  const graph = useMemo(() => flowToGraph(flow), [flow]);
  const { layout, error: layoutError } = useLayout(graph);
  const [moved, setMoved] = useState<Moved>({ layout: null, at: new Map() });
  const overrides = moved.layout === layout ? moved.at : null;
  const { setCenter, fitView } = useReactFlow();

  // Until the first layout arrives nothing is drawn: stacked nodes would only flicker.
  const nodes = useMemo<ViewNode[]>(
    () =>
      (layout === null ? [] : graph.nodes).map((n) => ({
        id: n.id,
        type: "flowNode",
        position: overrides?.get(n.id) ?? placeOf(n.id, graph, layout),
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        selected: selection !== null && "node" in selection && !n.data.missing && n.data.node.id === selection.node,
        connectable: !readOnly && !n.data.missing,
        deletable: !readOnly && !n.data.missing,
        ariaLabel: `${n.data.title} node ${n.data.node.id}${overlay && !n.data.missing ? `: ${overlay.nodes.get(n.data.node.id)?.text ?? "no visits"}` : ""}`,
        data: {
          ...n.data,
          problems: n.data.missing ? [] : (problems.nodes.get(n.data.node.id) ?? []),
          lit: !n.data.missing && lit.nodes.has(n.data.node.id),
          diff: props.diff?.get(n.data.node.id) ?? null,
          match: props.matches?.has(n.data.node.id) ?? false,
          connectable: !readOnly && !n.data.missing,
          overlay: overlay !== null && !n.data.missing,
          figures: n.data.missing ? null : (overlay?.nodes.get(n.data.node.id) ?? null),
        },
      })),
    [graph, layout, overrides, selection, readOnly, problems, lit, props.diff, props.matches, overlay],
  );

  const edges = useMemo<ViewEdge[]>(
    () =>
      (layout === null ? [] : graph.edges).map((e) => {
        const isLit = lit.edges.has(e.id);
        const edgeProblems = problems.edges.get(e.id) ?? [];
        const traffic = overlay?.edges.get(e.id) ?? null;
        return {
          id: e.id,
          source: e.source,
          target: e.target,
          type: "branch",
          selected: selection !== null && "edge" in selection && selection.edge === e.id,
          deletable: !readOnly,
          reconnectable: readOnly ? false : "target",
          ariaLabel: `Branch ${e.label || "default"} from ${e.source} to ${e.data.branch.to}${traffic ? `: ${traffic.count} calls` : ""}`,
          // A wide edge keeps an arrow of its own size (markers scale with the stroke).
          markerEnd: traffic
            ? { type: MarkerType.ArrowClosed, width: 14 + traffic.width * 1.5, height: 14 + traffic.width * 1.5, markerUnits: "userSpaceOnUse" }
            : { type: MarkerType.ArrowClosed, width: 16, height: 16 },
          zIndex: isLit ? 1 : 0,
          data: { ...e.data, route: layout?.routes.get(e.id) ?? null, problems: edgeProblems, lit: isLit, traffic },
        };
      }),
    [graph, layout, lit, problems, selection, readOnly, overlay],
  );

  // Once first laid out: the whole flow when it is readable that way, else its start at
  // a readable zoom (a 50-node flow fitted into the canvas would be too small to read).
  const [fitted, setFitted] = useState<Layout | null>(null);
  const { getViewport, setViewport } = useReactFlow();
  useEffect(() => {
    if (!layout || fitted !== null) return;
    const frame = requestAnimationFrame(() => {
      setFitted(layout);
      void fitView({ padding: 0.08, maxZoom: 1 }).then(() => {
        if (getViewport().zoom >= READABLE_ZOOM) return;
        const start = graph.nodes.find((n) => n.data.node.kind === "start") ?? graph.nodes[0];
        const at = start ? layout.positions.get(start.id) : undefined;
        const box = document.querySelector(".flow-canvas")?.getBoundingClientRect();
        if (at && box) void setViewport({ x: 24 - at.x * READABLE_ZOOM, y: box.height / 2 - (at.y + NODE_HEIGHT / 2) * READABLE_ZOOM, zoom: READABLE_ZOOM });
      });
    });
    return () => cancelAnimationFrame(frame);
  }, [layout, fitted, fitView, getViewport, setViewport, graph]);

  useEffect(() => {
    if (!centre) return;
    const node = nodes.find((n) => !n.data.missing && n.data.node.id === centre.node);
    if (node) void setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + NODE_HEIGHT / 2, { zoom: 1.1, duration: 300 });
    // Only a new request moves the view, not every re-render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [centre]);

  const onNodesChange = useCallback(
    (changes: NodeChange<ViewNode>[]) => {
      const positions = changes.filter((c) => c.type === "position" && c.position);
      if (positions.length === 0) return;
      setMoved((previous) => {
        const at = new Map(previous.layout === layout ? previous.at : []);
        for (const change of positions) if (change.type === "position" && change.position) at.set(change.id, change.position);
        return { layout, at };
      });
    },
    [layout],
  );

  const edit = useCallback((change: (flow: Flow) => Flow) => onEdit?.(change), [onEdit]);

  const onConnect = useCallback(
    (connection: Connection) => {
      const source = flowIdOf(graph, connection.source);
      const target = flowIdOf(graph, connection.target);
      if (source === undefined || target === undefined) return;
      edit((f) => connect(f, source, target));
    },
    [graph, edit],
  );

  const onReconnect = useCallback(
    (old: ViewEdge, connection: Connection) => {
      const target = flowIdOf(graph, connection.target);
      const data = old.data;
      if (!data || target === undefined || connection.source !== old.source) return;
      edit((f) => retarget(f, flowIdOf(graph, data.source) ?? data.source, data.index, target));
    },
    [graph, edit],
  );

  const onDelete = useCallback(
    ({ nodes: gone, edges: cut }: { nodes: ViewNode[]; edges: ViewEdge[] }) => {
      const ids = gone.filter((n) => !n.data.missing).map((n) => n.data.node.id);
      const branches = cut.flatMap((e) => (e.data ? [{ source: flowIdOf(graph, e.data.source) ?? e.data.source, index: e.data.index }] : []));
      if (ids.length || branches.length) edit((f) => deleteElements(f, ids, branches));
      onSelect?.(null);
    },
    [graph, edit, onSelect],
  );

  const isValidConnection = useCallback(
    (connection: Connection | ViewEdge) => {
      const source = flowIdOf(graph, connection.source);
      return source !== undefined && flowIdOf(graph, connection.target) !== undefined && canConnect(flow, source);
    },
    [graph, flow],
  );

  const actions = useMemo(() => ({ openSubflow, testIdPrefix: props.testIdPrefix ?? "node-" }), [openSubflow, props.testIdPrefix]);

  return (
    <CanvasContext.Provider value={actions}>
      <div className="flow-canvas" data-testid={props.testId ?? "flow-canvas"} aria-label={props.label ?? `Graph of flow ${flow.name}`} role="region">
        {layout === null && !layoutError ? (
          <p className="flow-canvas-note is-info" role="status">
            Laying out the graph…
          </p>
        ) : null}
        {layoutError ? (
          <p className="flow-canvas-note" role="alert">
            The layout failed ({layoutError.message}); nodes are stacked.
          </p>
        ) : null}
        <ReactFlow<ViewNode, ViewEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onConnect={readOnly ? undefined : onConnect}
          onReconnect={readOnly ? undefined : onReconnect}
          onDelete={readOnly ? undefined : onDelete}
          isValidConnection={isValidConnection}
          onNodeClick={(_, node) => onSelect?.(node.data.missing ? null : { node: node.data.node.id })}
          onNodeDoubleClick={(_, node) => {
            const code = node.data.node.kind === "subflow" ? node.data.node.params?.flow : undefined;
            if (typeof code === "string" && openSubflow) openSubflow(code);
          }}
          onEdgeClick={(_, edge) => onSelect?.({ edge: edge.id })}
          onPaneClick={() => onSelect?.(null)}
          nodesConnectable={!readOnly}
          edgesReconnectable={!readOnly}
          deleteKeyCode={readOnly ? null : ["Delete", "Backspace"]}
          multiSelectionKeyCode={null}
          selectionKeyCode={null}
          minZoom={0.1}
          maxZoom={2}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={24} />
          <Controls showInteractive={false} />
          {/* The release dialog's small diff view has no room for it: it covered nodes. */}
          {props.diff ? null : <MiniMap pannable zoomable ariaLabel="Minimap of the flow" nodeStrokeWidth={3} />}
        </ReactFlow>
      </div>
    </CanvasContext.Provider>
  );
}
