// /console/replay — the regression test before a publish: recorded calls replayed on a flow's
// draft or a version; the calls whose outcome, intents or end node changed, recorded beside
// replayed. ReplayPanel also fits on a flow's releases page (give it the flow).
import "../analytics/analytics.css";
import "./replay.css";
import { useRef, useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { listAccessCodes } from "../../api/accessCodes";
import { listFlowSummaries } from "../../api/bots";
import type { ApiError } from "../../api/client";
import { runReplay, type ReplayChange, type ReplayedCall, type ReplayReport, type ReplayRun, type ReplayTurn } from "../../api/replay";
import { formatTime } from "../../lib/format";
import { toApiError, useApi } from "../../lib/useApi";
import { paths } from "../../paths";
import { useSession } from "../../session/SessionContext";
import { Badge, Button, Card, Checkbox, ErrorNotice, Notice, Page, PageHeader, SelectField, TextField, useToast } from "../../ui";
import { inputLines, isoToLocal, replayBody, sideBySide, sortedCounts, type ReplayForm } from "./model";

export function ReplayPage() {
  const [params] = useSearchParams();
  return (
    <Page testId="replay-page">
      <PageHeader
        title="Replay calls"
        description="Run recorded calls again on a draft or a version, and see which calls would end differently. Business interfaces answer what they answered in the recording."
      />
      <ReplayPanel flow={params.get("flow") ?? ""} />
    </Page>
  );
}

const OUTCOMES = ["contained", "transferred", "abandoned", "unfinished"] as const;
const CHANGE_TEXT: Record<ReplayChange, string> = { outcome: "outcome", intent: "intent", endNode: "end node", inputs: "inputs not all sent" };

/** The replay form and its report; `flow` presets the flow, `lockFlow` hides its picker. */
export function ReplayPanel({ flow = "", lockFlow = false }: { flow?: string; lockFlow?: boolean }) {
  const { tenantId, can } = useSession();
  const flows = useApi((signal) => listFlowSummaries(signal), `flows:${tenantId}`);
  const codes = useApi((signal) => listAccessCodes(signal), `codes:${tenantId}`);
  const [form, setForm] = useState<ReplayForm>(() => ({
    flow,
    target: "draft",
    since: isoToLocal(new Date(Date.now() - 7 * 86_400_000)),
    until: "",
    accessCode: "",
    recordedVersion: "",
    callingNumber: "",
    outcome: "",
    limit: "100",
  }));
  const [report, setReport] = useState<ReplayReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const running = useRef<AbortController | null>(null);
  const canRun = can("edit");
  const chosen = flows.data?.find((f) => f.code === form.flow);
  const latest = chosen?.latest_version ?? 0;
  const versions = Array.from({ length: latest }, (_, i) => latest - i);
  const set = (next: Partial<ReplayForm>) => setForm((f) => ({ ...f, ...next }));

  const run = async () => {
    const body = replayBody(form);
    if ("problem" in body) return setProblem(body.problem);
    setProblem(null);
    setError(null);
    setBusy(true);
    const controller = new AbortController();
    running.current = controller;
    try {
      setReport(await runReplay(body, controller.signal));
    } catch (cause) {
      if (!controller.signal.aborted) setError(toApiError(cause));
    } finally {
      running.current = null;
      setBusy(false);
    }
  };

  const calls = report ? (showAll ? report.calls : report.calls.filter((c) => c.changed)) : [];
  return (
    <div className="stack" data-testid="replay-panel">
      <Card title="Which calls, on what">
        <form
          className="rp-form"
          aria-label="Replay"
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          {lockFlow ? null : (
            <SelectField
              label="Flow"
              value={form.flow}
              placeholder="Pick a flow"
              options={(flows.data ?? []).map((f) => ({ value: f.code, label: f.name && f.name !== f.code ? `${f.code} — ${f.name}` : f.code }))}
              onChange={(e) => set({ flow: e.target.value, recordedVersion: "", target: "draft" })}
              data-testid="rp-flow"
            />
          )}
          <SelectField
            label="Replay on"
            value={form.target}
            options={[{ value: "draft", label: "Draft" }, ...versions.map((n) => ({ value: String(n), label: `Version ${n}${n === chosen?.default_version ? " (live)" : ""}` }))]}
            onChange={(e) => set({ target: e.target.value })}
            data-testid="rp-target"
          />
          <TextField label="Calls since" type="datetime-local" value={form.since} onChange={(e) => set({ since: e.target.value })} data-testid="rp-since" />
          <TextField label="Until" type="datetime-local" value={form.until} onChange={(e) => set({ until: e.target.value })} hint="Empty: until now." data-testid="rp-until" />
          <SelectField
            label="Access code"
            value={form.accessCode}
            placeholder="Any access code"
            options={(codes.data ?? []).filter((c) => !form.flow || c.flow === form.flow).map((c) => ({ value: c.code, label: c.code }))}
            onChange={(e) => set({ accessCode: e.target.value })}
            data-testid="rp-access-code"
          />
          <SelectField
            label="Recorded on version"
            value={form.recordedVersion}
            placeholder="Any version"
            options={versions.map((n) => ({ value: String(n), label: `Version ${n}` }))}
            onChange={(e) => set({ recordedVersion: e.target.value })}
            data-testid="rp-recorded-version"
          />
          <TextField label="Calling number" value={form.callingNumber} onChange={(e) => set({ callingNumber: e.target.value })} data-testid="rp-calling" />
          <SelectField
            label="Recorded outcome"
            value={form.outcome}
            placeholder="Any outcome"
            options={OUTCOMES.map((o) => ({ value: o, label: o }))}
            onChange={(e) => set({ outcome: e.target.value as ReplayForm["outcome"] })}
            data-testid="rp-outcome"
          />
          <TextField label="At most (calls)" type="number" min={1} max={500} value={form.limit} onChange={(e) => set({ limit: e.target.value })} hint="The latest calls that match; 1 to 500." data-testid="rp-limit" />
          <div className="rp-actions">
            <Button type="submit" variant="primary" busy={busy} disabled={!canRun || !form.flow} data-testid="rp-run">
              Replay
            </Button>
            {busy ? (
              <>
                <span className="muted" role="status">
                  Replaying… setting up the bot takes seconds, then the calls run one after another.
                </span>
                <Button size="small" onClick={() => running.current?.abort()} data-testid="rp-cancel">
                  Stop waiting
                </Button>
              </>
            ) : null}
            {canRun ? null : <span className="muted">Replaying needs the editor role.</span>}
          </div>
          {problem ? (
            <p className="field-error" role="alert" data-testid="rp-problem">
              {problem}
            </p>
          ) : null}
        </form>
      </Card>
      {error ? <ErrorNotice error={error} title="The replay could not run" /> : null}
      {report ? (
        <>
          <Summary report={report} />
          <Card
            title={showAll ? "Every replayed call" : "Calls that changed"}
            actions={<Checkbox label="Show unchanged calls too" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} data-testid="rp-show-all" />}
          >
            {calls.length === 0 ? (
              <p className="muted" data-testid="rp-no-changes">
                {report.summary.calls === 0 ? "No recorded call matched." : "No call changed: every replayed call ended as recorded."}
              </p>
            ) : (
              <ol className="rp-calls list-plain" data-testid="rp-calls">
                {calls.map((call) => (
                  <CallView key={call.callId} call={call} target={report.target.version} />
                ))}
              </ol>
            )}
          </Card>
        </>
      ) : null}
    </div>
  );
}

function Summary({ report }: { report: ReplayReport }) {
  const s = report.summary;
  const target = report.target.version === "draft" ? "the draft" : `version ${report.target.version}`;
  return (
    <Card title={`Replayed on ${target} of ${report.target.flow}`} testId="rp-summary">
      <dl className="an-stats rp-stats">
        <div className="an-stat">
          <dt>Calls replayed</dt>
          <dd className="an-stat-value" data-testid="rp-total">
            {s.calls}
          </dd>
        </div>
        <div className="an-stat">
          <dt>Changed</dt>
          <dd className="an-stat-value" data-testid="rp-changed">
            {s.changed}
          </dd>
        </div>
        <div className="an-stat">
          <dt>Unchanged</dt>
          <dd className="an-stat-value" data-testid="rp-unchanged">
            {s.unchanged}
          </dd>
        </div>
      </dl>
      <p>
        Changed by: outcome {s.byChange.outcome ?? 0}, intent {s.byChange.intent ?? 0}, end node {s.byChange.endNode ?? 0}, inputs not all sent {s.byChange.inputs ?? 0}.
      </p>
      {sortedCounts(s.outcomeChanges).length ? (
        <ul data-testid="rp-outcome-changes">
          {sortedCounts(s.outcomeChanges).map(([change, n]) => (
            <li key={change}>
              <span className="mono">{change.replace("->", "→")}</span>: {n}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="muted">
        Recorded outcomes: {sortedCounts(s.originalOutcomes).map(([o, n]) => `${o} ${n}`).join(", ") || "none"}. Replayed: {sortedCounts(s.replayedOutcomes).map(([o, n]) => `${o} ${n}`).join(", ") || "none"}.
      </p>
      {report.notes.length ? (
        <Notice kind="warning">
          <ul>
            {report.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
    </Card>
  );
}

function TurnCell({ turn, different, label }: { turn: ReplayTurn | null; different: boolean; label: string }) {
  if (!turn) return <td className={different ? "is-different" : undefined}><span className="muted">— no turn —</span></td>;
  return (
    <td className={different ? "is-different" : undefined} aria-label={label}>
      {turn.intents.length ? (
        <span className="rp-step">
          intent <strong className="mono">{turn.intents.join(", ")}</strong>
        </span>
      ) : null}
      {turn.steps.map((step, i) => (
        <span key={i} className="rp-step">
          <Badge tone={step.action === "error" ? "danger" : step.action === "transfer" ? "warning" : step.action === "release" ? "neutral" : "primary"}>{step.action}</Badge>{" "}
          {step.node ? <span className="mono muted">@{step.node}</span> : null}
          {step.text ? <span className="rp-step-text">{step.text}</span> : null}
        </span>
      ))}
    </td>
  );
}

function runLine(run: ReplayRun): string {
  return `${run.outcome}${run.endNode ? ` at ${run.endNode}` : ""}${run.detail ? ` (${run.detail})` : ""}`;
}

function CallView({ call, target }: { call: ReplayedCall; target: number | "draft" }) {
  const navigate = useNavigate();
  const toast = useToast();
  const rows = sideBySide(call.original, call.replayed);
  const lines = inputLines(call.simulator.inputs);
  const replayedName = target === "draft" ? "Replayed on the draft" : `Replayed on version ${target}`;
  const open = () => {
    const version = call.simulator.version;
    // The test-call panel has no preset inputs yet: the inputs are shown here to copy, and
    // handed along in the navigation state for when it reads them.
    navigate(version === "draft" ? paths.flow(call.simulator.flow) : `${paths.flow(call.simulator.flow)}?version=${version}`, { state: { replayInputs: call.simulator } });
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(lines.join("\n"));
      toast.success("The caller's inputs are copied, one a line.");
    } catch {
      toast.error(new Error("The browser did not allow copying; select the inputs instead."));
    }
  };
  return (
    <li className={`rp-call ${call.changed ? "is-changed" : ""}`} data-testid={`rp-call-${call.callId}`}>
      <div className="rp-call-head">
        <strong className="mono">{call.callId}</strong>
        <span className="muted">
          {formatTime(call.at)} · from {call.callingNumber} · code {call.accessCode} · recorded on version {call.version}
        </span>
        {call.changes.map((c) => (
          <Badge key={c} tone="warning">
            {CHANGE_TEXT[c]}
          </Badge>
        ))}
        {call.changed ? null : <Badge tone="success">unchanged</Badge>}
      </div>
      {call.differences.length ? (
        <ul className="rp-differences" data-testid={`rp-differences-${call.callId}`}>
          {call.differences.map((d, i) => (
            <li key={i}>{d.replace(" -> ", " → ")}</li>
          ))}
        </ul>
      ) : null}
      {call.notes.length ? <Notice kind="warning">{call.notes.join(" ")}</Notice> : null}
      <table className="rp-side" data-testid={`rp-side-${call.callId}`}>
        <caption className="visually-hidden">Call {call.callId}: recorded turns beside replayed turns</caption>
        <thead>
          <tr>
            <th scope="col" className="rp-input">Caller</th>
            <th scope="col">Recorded (version {call.version}): {runLine(call.original)}</th>
            <th scope="col">
              {replayedName}: {runLine(call.replayed)}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <th scope="row" className="rp-input">
                {row.input ?? <span className="muted">(call starts)</span>}
              </th>
              <TurnCell turn={row.recorded} different={row.different} label={`Recorded turn ${i + 1}`} />
              <TurnCell turn={row.replayed} different={row.different} label={`Replayed turn ${i + 1}`} />
            </tr>
          ))}
        </tbody>
      </table>
      <div className="rp-inputs">
        <Button size="small" onClick={open} data-testid={`rp-open-${call.callId}`}>
          Open in test call
        </Button>
        <span className="muted">Caller inputs to send there:</span>
        {lines.length ? lines.map((line, i) => <code key={i}>{line}</code>) : <span className="muted">none</span>}
        {lines.length ? (
          <Button size="small" variant="ghost" onClick={() => void copy()} data-testid={`rp-copy-${call.callId}`}>
            Copy inputs
          </Button>
        ) : null}
      </div>
    </li>
  );
}
