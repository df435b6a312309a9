// /console/flows/:code — the flow workspace: the graph of the draft (or of a published
// version, read-only), the inspector, the problems the publishing checks find as you edit,
// and the test call beside it.
import "@xyflow/react/dist/style.css";
import "./flow.css";
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { getFlow, getFlowVersion, listFlowVersions, putDraft, type FlowDetail, type NodeKind, type Problem, type TestCallVersion } from "../api/flows";
import type { Version } from "../api/versions";
import { toApiError, useApi } from "../lib/useApi";
import { paths } from "../paths";
import { useSession } from "../session/SessionContext";
import { Badge, Button, ConfirmDialog, ErrorNotice, Loading, SelectField, useToast } from "../ui";
import { AnalyticsBar, useNodeOverlay, useOverlaySettings } from "./AnalyticsOverlay";
import { FlowCanvas, type CentreRequest, type Selection } from "./FlowCanvas";
import { Inspector } from "./Inspector";
import { addNode, canConnect, findNode } from "./model/operations";
import { litPath } from "./model/path";
import { markProblems } from "./model/problems";
import { Palette } from "./Palette";
import { ProblemsPanel } from "./ProblemsPanel";
import { SearchBox } from "./SearchBox";
import { TestCallPanel } from "./TestCallPanel";
import { useCatalogue } from "./useCatalogue";
import { useDraftEditor, type SaveState } from "./useDraftEditor";

export default function FlowWorkspacePage() {
  const { code = "" } = useParams<{ code: string }>();
  const draft = useApi((signal) => getFlow(code, signal), `flow:${code}`);
  const versions = useApi((signal) => listFlowVersions(code, signal), `versions:${code}`);
  if (draft.error) {
    return (
      <div className="page" data-testid="flow-workspace">
        <ErrorNotice error={draft.error} title={`Flow ${code} could not be opened`} onRetry={draft.reload} />
      </div>
    );
  }
  if (!draft.data) return <Loading label={`Loading flow ${code}…`} />;
  return (
    <ReactFlowProvider>
      <Workspace key={code} code={code} loaded={draft.data} versions={versions.data ?? []} />
    </ReactFlowProvider>
  );
}

function inEditable(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName));
}

function SaveStatus({ save, onRetry }: { save: SaveState; onRetry: () => void }) {
  const text = { saved: "Saved", pending: "Unsaved changes", saving: "Saving…", error: "Not saved" }[save.kind];
  return (
    <span className={`flow-save is-${save.kind}`} role="status" data-testid="save-status" data-state={save.kind}>
      {text}
      {save.kind === "error" ? (
        <>
          {": "}
          <span className="mono">{save.error.errorCode}</span> {save.error.errorMsg}{" "}
          <Button size="small" onClick={onRetry}>
            Retry
          </Button>
        </>
      ) : null}
    </span>
  );
}

function Workspace({ code, loaded, versions }: { code: string; loaded: FlowDetail; versions: Version[] }) {
  const session = useSession();
  const toast = useToast();
  const navigate = useNavigate();
  const canEdit = session.can("edit");
  const [params, setParams] = useSearchParams();
  const versionParam = Number(params.get("version"));
  const viewing: TestCallVersion = Number.isInteger(versionParam) && versionParam > 0 ? versionParam : "draft";
  const onEditError = useCallback((error: Error) => toast.error(error), [toast]);
  const editor = useDraftEditor(code, loaded, { onEditError });
  const version = useApi((signal) => (viewing === "draft" ? Promise.resolve(null) : getFlowVersion(code, viewing, signal)), `version:${code}:${viewing}`);

  const shown = viewing === "draft" ? editor.flow : version.data?.flow;
  const readOnly = viewing !== "draft" || !canEdit;
  const [selection, setSelection] = useState<Selection>(null);
  const [centre, setCentre] = useState<CentreRequest | null>(null);
  const [matches, setMatches] = useState<string[]>([]);
  const [path, setPath] = useState<string[]>([]);
  const [tab, setTab] = useState<"inspector" | "test">("inspector");
  const [confirmDraft, setConfirmDraft] = useState(false);
  const [making, setMaking] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const catalogue = useCatalogue(session.tenantId, (shown?.variables ?? []).map((v) => v.name));

  const problems = useMemo(() => ("problems" in editor.validation && viewing === "draft" ? editor.validation.problems : []), [editor.validation, viewing]);
  const marks = useMemo(() => markProblems(shown ?? { name: "", nodes: [] }, problems), [shown, problems]);
  const lit = useMemo(() => litPath(shown ?? { name: "", nodes: [] }, path), [shown, path]);
  const matchSet = useMemo(() => new Set(matches), [matches]);
  const analytics = useOverlaySettings(viewing, versions);
  const { overlay, figures } = useNodeOverlay(code, shown, analytics.settings);

  const selectNode = useCallback((id: string | null, centreOn = false) => {
    setSelection(id === null ? null : { node: id });
    if (id !== null) setTab("inspector");
    if (id !== null && centreOn) setCentre((c) => ({ node: id, seq: (c?.seq ?? 0) + 1 }));
  }, []);

  const onSelect = useCallback((next: Selection) => {
    setSelection(next);
    if (next !== null) setTab("inspector");
  }, []);

  const { undo, redo, edit } = editor;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if ((mod && key === "f") || (!mod && event.key === "/" && !inEditable(event.target))) {
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      }
      if (readOnly || !mod || inEditable(event.target)) return;
      if (key === "z" && !event.shiftKey) {
        event.preventDefault();
        undo();
      } else if ((key === "z" && event.shiftKey) || key === "y") {
        event.preventDefault();
        redo();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [readOnly, undo, redo]);

  const selectedId = selection && "node" in selection ? selection.node : selection && "edge" in selection ? selection.edge.slice(0, selection.edge.lastIndexOf("#")) : null;
  const selectedBranch = selection && "edge" in selection ? Number(selection.edge.slice(selection.edge.lastIndexOf("#") + 1)) : null;
  const selectedNode = shown && selectedId ? (findNode(shown, selectedId) ?? null) : null;

  const add = (kind: NodeKind) => {
    const after = selectedNode && canConnect(editor.flow, selectedNode.id) ? selectedNode.id : undefined;
    const { id } = addNode(editor.flow, kind, after);
    edit((f) => addNode(f, kind, after).flow);
    selectNode(id, true);
  };

  const pickProblem = (problem: Problem) => {
    if (problem.node === null) return;
    if (problem.branch !== null) {
      setSelection({ edge: `${problem.node}#${problem.branch}` });
      setTab("inspector");
      setCentre((c) => ({ node: problem.node as string, seq: (c?.seq ?? 0) + 1 }));
    } else selectNode(problem.node, true);
  };

  const setViewing = (value: string) => {
    const next = new URLSearchParams(params);
    if (value === "draft") next.delete("version");
    else next.set("version", value);
    setParams(next);
    setPath([]);
  };

  const startDraftFromVersion = async () => {
    if (!version.data) return;
    setMaking(true);
    try {
      const stored = await putDraft(code, version.data.flow);
      editor.reset(stored);
      setViewing("draft");
      toast.success(`The draft is now version ${version.data.number}'s flow.`);
    } catch (cause) {
      toast.error(toApiError(cause));
    } finally {
      setMaking(false);
      setConfirmDraft(false);
    }
  };

  const openSubflow = useCallback((target: string) => navigate(paths.flow(target)), [navigate]);
  const live = versions.some((v) => v.default);

  return (
    <div className="page page-full flow-workspace" data-testid="flow-workspace">
      <header className="flow-toolbar">
        <div className="flow-title">
          <h1>
            {shown?.name ?? loaded.name} <span className="muted mono">{code}</span>
          </h1>
          {viewing === "draft" ? <Badge tone="primary">Draft</Badge> : <Badge tone="neutral">Version {viewing} · read-only</Badge>}
          {live ? null : <span className="muted">not published</span>}
        </div>
        <SelectField
          label="Show"
          hideLabel
          value={String(viewing)}
          data-testid="version-select"
          options={[{ value: "draft", label: "Draft" }, ...versions.map((v) => ({ value: String(v.number), label: `Version ${v.number}${v.default ? " (live)" : ""}` }))]}
          onChange={(e) => setViewing(e.target.value)}
        />
        {viewing === "draft" ? (
          canEdit ? (
            <>
              <SaveStatus save={editor.save} onRetry={() => void editor.flush().catch(() => undefined)} />
              <Button size="small" onClick={editor.undo} disabled={!editor.canUndo} aria-keyshortcuts="Control+Z" data-testid="undo" title="Undo (Ctrl+Z)">
                Undo
              </Button>
              <Button size="small" onClick={editor.redo} disabled={!editor.canRedo} aria-keyshortcuts="Control+Shift+Z" data-testid="redo" title="Redo (Ctrl+Shift+Z)">
                Redo
              </Button>
            </>
          ) : (
            <span className="muted">Read-only: editing needs the editor role.</span>
          )
        ) : canEdit ? (
          <Button size="small" variant="primary" disabled={!version.data} onClick={() => setConfirmDraft(true)} data-testid="draft-from-version">
            Start a draft from this version
          </Button>
        ) : null}
        <div className="grow" />
        {shown ? <SearchBox ref={searchRef} nodes={shown.nodes} onMatches={setMatches} onGo={(id) => selectNode(id, true)} /> : null}
        <Button
          size="small"
          aria-pressed={analytics.settings.on}
          onClick={() => analytics.change({ on: !analytics.settings.on })}
          data-testid="analytics-toggle"
          title="Per-node figures on the graph: traffic by branch, drop-off by node"
        >
          Analytics
        </Button>
        <Link to={paths.releases(code)} className="btn btn-small" data-testid="releases-link">
          Releases
        </Link>
      </header>
      {analytics.settings.on ? <AnalyticsBar settings={analytics.settings} change={analytics.change} versions={versions} state={figures} overlay={overlay} /> : null}

      <div className={`flow-body ${readOnly ? "is-read-only" : ""}`}>
        {!readOnly ? <Palette onAdd={add} after={selectedNode && canConnect(editor.flow, selectedNode.id) ? selectedNode.id : null} /> : null}
        <div className="flow-centre">
          {version.error && viewing !== "draft" ? (
            <ErrorNotice error={version.error} onRetry={version.reload} />
          ) : shown ? (
            <FlowCanvas
              flow={shown}
              readOnly={readOnly}
              selection={selection}
              onSelect={onSelect}
              onEdit={edit}
              problems={marks}
              lit={lit}
              matches={matchSet}
              centre={centre}
              openSubflow={openSubflow}
              overlay={overlay}
            />
          ) : (
            <Loading label={`Loading version ${viewing}…`} />
          )}
          {viewing === "draft" ? <ProblemsPanel validation={editor.validation} onPick={pickProblem} /> : null}
        </div>
        <aside className="flow-side" aria-label="Inspector and test call">
          <div className="tabs" role="tablist" aria-label="Side panel">
            <button type="button" role="tab" className="tab" id="flow-tab-inspector" aria-controls="flow-panel-inspector" aria-selected={tab === "inspector"} onClick={() => setTab("inspector")} data-testid="tab-inspector">
              Inspector
            </button>
            <button type="button" role="tab" className="tab" id="flow-tab-test" aria-controls="flow-panel-test" aria-selected={tab === "test"} onClick={() => setTab("test")} data-testid="tab-test-call">
              Test call
            </button>
          </div>
          <div role="tabpanel" id="flow-panel-inspector" aria-labelledby="flow-tab-inspector" hidden={tab !== "inspector"} className="flow-side-panel">
            {shown ? (
              <Inspector
                flow={shown}
                node={selectedNode}
                branch={selectedBranch}
                readOnly={readOnly}
                edit={edit}
                seal={editor.seal}
                problems={problems}
                catalogue={catalogue}
                onSelectNode={(id) => selectNode(id, id !== null)}
                openSubflow={openSubflow}
              />
            ) : null}
          </div>
          <div role="tabpanel" id="flow-panel-test" aria-labelledby="flow-tab-test" hidden={tab !== "test"} className="flow-side-panel">
            <TestCallPanel code={code} versions={versions} viewing={viewing} canEdit={canEdit} flushDraft={editor.flush} onPath={setPath} />
          </div>
        </aside>
      </div>

      <ConfirmDialog
        open={confirmDraft}
        title={`Start a draft from version ${viewing}`}
        confirmLabel="Replace the draft"
        busy={making}
        onConfirm={() => void startDraftFromVersion()}
        onCancel={() => setConfirmDraft(false)}
        testId="draft-from-version-dialog"
      >
        The draft becomes version {viewing}'s flow; what the draft holds now is replaced. Published versions never change.
      </ConfirmDialog>
    </div>
  );
}
