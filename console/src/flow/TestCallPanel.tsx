// The simulator beside the graph: call the draft or a version as a caller would, see per turn
// the path (lit on the graph), the intent with its runners-up, the variables and what the IVR
// would receive; keep a conversation as a test and run the bot's tests.
import { useEffect, useRef, useState } from "react";
import type { ApiError } from "../api/client";
import {
  hangUpTestCall,
  listConversationTests,
  runConversationTests,
  saveTestCall,
  sendTestInput,
  startTestCall,
  type Channel,
  type ConversationTestFile,
  type TestCallVersion,
  type TestInput,
  type TestRun,
  type Turn,
} from "../api/flows";
import type { Version } from "../api/versions";
import { toApiError } from "../lib/useApi";
import { Badge, Button, Checkbox, Dialog, ErrorNotice, SelectField, TextField, useToast } from "../ui";
import { callerLine, parseCallerLine } from "./model/callerInput";

export interface TestCallPanelProps {
  code: string;
  versions: Version[];
  /** The version on screen, the natural target of a call. */
  viewing: TestCallVersion;
  canEdit: boolean;
  /** Saves the draft's pending edits first, so a call on the draft runs what is on screen. */
  flushDraft: () => Promise<void>;
  /** The path to light on the graph (the chosen turn's), or [] for none. */
  onPath: (path: string[]) => void;
}

interface Exchange {
  sent: string | null;
  turns: Turn[];
}

function ended(exchanges: Exchange[]): boolean {
  const last = exchanges.at(-1)?.turns.at(-1);
  return last?.action === "release";
}

export function TestCallPanel({ code, versions, viewing, canEdit, flushDraft, onPath }: TestCallPanelProps) {
  const toast = useToast();
  const [version, setVersion] = useState<TestCallVersion>(viewing);
  const [channel, setChannel] = useState<Channel>("voice");
  const [calling, setCalling] = useState("");
  const [useStubs, setUseStubs] = useState(true);
  const [callId, setCallId] = useState<string | null>(null);
  const [exchanges, setExchanges] = useState<Exchange[]>([]);
  const [chosen, setChosen] = useState<number | null>(null);
  const [line, setLine] = useState("");
  const [lineError, setLineError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const callRef = useRef<string | null>(null);
  const panelRef = useRef<HTMLElement>(null);

  const turns = exchanges.flatMap((e) => e.turns);
  const shown = chosen ?? turns.length - 1;

  // A chosen turn lights its own path; by default the whole last exchange (everything the
  // caller's last input brought, e.g. a play-only prompt and the question after it).
  useEffect(() => {
    onPath(chosen !== null ? (turns[chosen]?.path ?? []) : (exchanges.at(-1)?.turns.flatMap((t) => t.path) ?? []));
    // The path follows the chosen turn; onPath is the page's setter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chosen, exchanges]);

  // A call left open ends with the page.
  useEffect(
    () => () => {
      if (callRef.current) void hangUpTestCall(callRef.current).catch(() => undefined);
    },
    [],
  );

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      if (callRef.current) void hangUpTestCall(callRef.current).catch(() => undefined);
      if (version === "draft") await flushDraft();
      const answer = await startTestCall({
        flow: code,
        version,
        channel,
        useTestStubs: useStubs,
        ...(calling.trim() ? { callingNumber: calling.trim() } : {}),
      });
      callRef.current = answer.id;
      setCallId(answer.id);
      setExchanges([{ sent: null, turns: answer.turns }]);
      setChosen(null);
      // After the input renders: the caller answers the first prompt next.
      requestAnimationFrame(() => panelRef.current?.querySelector<HTMLInputElement>("[data-testid=test-call-line]")?.focus());
    } catch (cause) {
      setError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  const send = async (input: TestInput) => {
    if (!callId) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await sendTestInput(callId, input);
      setExchanges((previous) => [...previous, { sent: callerLine(input), turns: answer.turns }]);
      setChosen(null);
      setLine("");
    } catch (cause) {
      setError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  const submitLine = () => {
    const input = parseCallerLine(line);
    if ("error" in input) return setLineError(input.error);
    setLineError(null);
    void send(input);
  };

  const active = callId !== null && !ended(exchanges);
  const versionOptions = [
    { value: "draft", label: "Draft" },
    ...versions.map((v) => ({ value: String(v.number), label: `Version ${v.number}${v.default ? " (live)" : ""}` })),
  ];

  if (!canEdit) {
    return (
      <section className="flow-testcall" data-testid="test-call" aria-label="Test call">
        <h2 className="flow-panel-title">Test call</h2>
        <p className="muted">Test calls need the editor role.</p>
        <TestsList code={code} version={version} canRun={false} />
      </section>
    );
  }

  // The first turn's index of each exchange: turns are numbered through the whole call.
  const firsts = exchanges.map((_, e) => exchanges.slice(0, e).reduce((sum, x) => sum + x.turns.length, 0));
  return (
    <section className="flow-testcall" data-testid="test-call" aria-label="Test call" ref={panelRef}>
      <h2 className="flow-panel-title">Test call</h2>
      <div className="flow-testcall-setup">
        <SelectField label="Call" value={String(version)} options={versionOptions} data-testid="test-call-version" onChange={(e) => setVersion(e.target.value === "draft" ? "draft" : Number(e.target.value))} />
        <SelectField
          label="Channel"
          value={channel}
          data-testid="test-call-channel"
          options={[
            { value: "voice", label: "Voice" },
            { value: "chat", label: "Chat" },
          ]}
          onChange={(e) => setChannel(e.target.value as Channel)}
        />
        <TextField label="Calling number" placeholder="13500000001" value={calling} data-testid="test-call-calling" onChange={(e) => setCalling(e.target.value)} />
      </div>
      <Checkbox label="Interfaces answer as in the conversation tests" checked={useStubs} onChange={(e) => setUseStubs(e.target.checked)} data-testid="test-call-stubs" />
      <div className="row">
        <Button variant="primary" busy={busy && !callId} onClick={() => void start()} data-testid="test-call-start">
          {callId ? "Restart call" : "Start call"}
        </Button>
        <Button disabled={!callId || turns.length === 0} onClick={() => setSaving(true)} data-testid="test-call-save">
          Save as conversation test
        </Button>
      </div>
      {error ? <ErrorNotice error={error} /> : null}

      <ol className="flow-conversation" data-testid="test-call-turns" aria-label="Conversation">
        {exchanges.map((exchange, e) => (
          <li key={e} className="flow-exchange">
            {exchange.sent !== null ? <div className="flow-bubble flow-bubble-caller">{exchange.sent}</div> : null}
            {exchange.turns.map((turn, t) => {
              const index = (firsts[e] ?? 0) + t;
              return <TurnView key={index} turn={turn} index={index} chosen={index === shown} onChoose={() => setChosen(index)} />;
            })}
          </li>
        ))}
      </ol>

      {callId ? (
        <form
          className="flow-testcall-input"
          onSubmit={(event) => {
            event.preventDefault();
            submitLine();
          }}
        >
          <TextField
            label="Caller says"
            hint="Text, #keys (e.g. #1, #12345678#), or /timeout, /nomatch, /hangup."
            value={line}
            error={lineError ?? undefined}
            disabled={!active}
            data-testid="test-call-line"
            onChange={(e) => setLine(e.target.value)}
          />
          <div className="row">
            <Button type="submit" variant="primary" disabled={!active} busy={busy} data-testid="test-call-send">
              Send
            </Button>
            <Button size="small" disabled={!active || busy} onClick={() => void send({ kind: "timeout" })} data-testid="test-call-timeout">
              Timeout
            </Button>
            <Button size="small" disabled={!active || busy} onClick={() => void send({ kind: "nomatch" })} data-testid="test-call-nomatch">
              No match
            </Button>
            <Button size="small" variant="danger" disabled={!active || busy} onClick={() => void send({ kind: "hangup" })} data-testid="test-call-hangup">
              Hang up
            </Button>
          </div>
          {turns.at(-1)?.action === "transfer" && active ? (
            <div className="row">
              <span className="muted">The transfer:</span>
              <Button size="small" onClick={() => void send({ kind: "ok" })} data-testid="test-call-transfer-ok">
                succeeded
              </Button>
              <Button size="small" onClick={() => void send({ kind: "fail" })} data-testid="test-call-transfer-fail">
                failed
              </Button>
            </div>
          ) : null}
          {!active ? <p className="muted" role="status">The call has ended.</p> : null}
        </form>
      ) : (
        <p className="muted">Start a call to talk to the {version === "draft" ? "draft" : `version ${version}`} as a caller.</p>
      )}

      <TestsList code={code} version={version} canRun />

      {saving && callId ? (
        <SaveDialog
          onClose={() => setSaving(false)}
          onSave={async (name, file) => {
            const saved = await saveTestCall(callId, name, file);
            toast.success(`Saved as a test in ${saved.file}`);
            setSaving(false);
            window.dispatchEvent(new Event("oiap:tests-changed"));
          }}
        />
      ) : null}
    </section>
  );
}

function TurnView({ turn, index, chosen, onChoose }: { turn: Turn; index: number; chosen: boolean; onChoose: () => void }) {
  const tone = turn.action === "error" ? "danger" : turn.action === "release" ? "neutral" : turn.action === "transfer" ? "warning" : "primary";
  return (
    <div className={`flow-turn ${chosen ? "is-chosen" : ""}`} data-testid={`test-call-turn-${index}`}>
      <button type="button" className="flow-bubble flow-bubble-bot" onClick={onChoose} aria-pressed={chosen} title="Show this turn's path on the graph">
        {/* The name says which turn and keeps the visible text, as voice control needs. */}
        <span className="visually-hidden">{`Turn ${index + 1}: `}</span>
        <span className="row">
          <Badge tone={tone}>{turn.action}</Badge>
          {turn.mode ? <span className="muted mono">{turn.mode}</span> : null}
          {turn.node ? <span className="muted mono">@{turn.node}</span> : null}
        </span>
        <span className="flow-turn-text">{turn.text || <em className="muted">(no prompt)</em>}</span>
      </button>
      <dl className="flow-turn-facts">
        <dt>Path</dt>
        <dd className="mono" data-testid={`test-call-path-${index}`}>
          {turn.path.join(" → ") || "—"}
        </dd>
        <dt>Intent</dt>
        <dd data-testid={`test-call-intent-${index}`}>
          {turn.intent ? (
            <>
              <strong className="mono">{turn.intent.code}</strong> {turn.intent.score.toFixed(2)}
              {turn.intent.ranking.filter((r) => r.code !== turn.intent?.code).length ? (
                <ol className="flow-ranking" aria-label="Runners-up">
                  {turn.intent.ranking
                    .filter((r) => r.code !== turn.intent?.code)
                    .slice(0, 4)
                    .map((r) => (
                      <li key={r.code}>
                        <span className="mono">{r.code}</span> {r.score.toFixed(2)}
                      </li>
                    ))}
                </ol>
              ) : null}
            </>
          ) : (
            "—"
          )}
        </dd>
        <dt>IVR gets</dt>
        <dd data-testid={`test-call-outaction-${index}`}>
          outaction <span className="mono">{turn.outaction}</span>
        </dd>
      </dl>
      <details className="flow-turn-details" open={chosen && turn.action === "error"}>
        <summary>outparams and variables of turn {index + 1}</summary>
        <pre className="code-block flow-json">{JSON.stringify(turn.outparams, null, 2)}</pre>
        {Object.keys(turn.variables).length ? (
          <table className="flow-vars">
            <caption className="visually-hidden">Variables after turn {index + 1}</caption>
            <tbody>
              {Object.entries(turn.variables).map(([name, value]) => (
                <tr key={name}>
                  <th scope="row" className="mono">
                    {name}
                  </th>
                  <td className="mono">{JSON.stringify(value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {turn.notes?.length ? (
          <ul>
            {turn.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        ) : null}
      </details>
    </div>
  );
}

function SaveDialog({ onClose, onSave }: { onClose: () => void; onSave: (name: string, file: string) => Promise<void> }) {
  const [name, setName] = useState("");
  const [file, setFile] = useState("console.yaml");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <Dialog
      open
      title="Save as conversation test"
      onClose={onClose}
      testId="save-test-dialog"
      onSubmit={() => {
        setBusy(true);
        setError(null);
        onSave(name.trim(), file.trim()).catch((cause: unknown) => {
          setError(toApiError(cause));
          setBusy(false);
        });
      }}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!name.trim() || !file.trim()} data-testid="save-test-submit">
            Save
          </Button>
        </>
      }
    >
      <TextField label="Test name" required value={name} onChange={(e) => setName(e.target.value)} data-testid="save-test-name" autoFocus />
      <TextField label="File" required hint="A YAML file of the bot's tests/ folder; the test is added to it." value={file} onChange={(e) => setFile(e.target.value)} data-testid="save-test-file" />
      {error ? <ErrorNotice error={error} /> : null}
    </Dialog>
  );
}

function TestsList({ version, canRun }: { code: string; version: TestCallVersion; canRun: boolean }) {
  const [files, setFiles] = useState<ConversationTestFile[] | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [run, setRun] = useState<TestRun | null>(null);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<ApiError | null>(null);
  const [round, setRound] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    listConversationTests(controller.signal).then(
      (answer) => {
        setFiles(answer.items);
        setLoadError(null);
      },
      (cause: unknown) => !controller.signal.aborted && setLoadError(toApiError(cause)),
    );
    return () => controller.abort();
  }, [round]);

  useEffect(() => {
    const changed = () => setRound((r) => r + 1);
    window.addEventListener("oiap:tests-changed", changed);
    return () => window.removeEventListener("oiap:tests-changed", changed);
  }, []);

  const runAll = async () => {
    setRunning(true);
    setRunError(null);
    try {
      setRun(await runConversationTests({ version }));
    } catch (cause) {
      setRunError(toApiError(cause));
    } finally {
      setRunning(false);
    }
  };

  const names = files?.flatMap((f) => f.names.map((n) => ({ file: f.file, name: n }))) ?? [];
  return (
    <section className="flow-tests" aria-label="Conversation tests" data-testid="conversation-tests">
      <div className="row">
        <h3 className="flow-panel-subtitle grow">Conversation tests</h3>
        {canRun ? (
          <Button size="small" busy={running} disabled={names.length === 0} onClick={() => void runAll()} data-testid="run-tests">
            Run tests
          </Button>
        ) : null}
      </div>
      {loadError ? <ErrorNotice error={loadError} onRetry={() => setRound((r) => r + 1)} /> : null}
      {runError ? <ErrorNotice error={runError} /> : null}
      {run ? (
        <p role="status" data-testid="run-tests-summary">
          <Badge tone={run.failed ? "danger" : "success"}>
            {run.passed} passed, {run.failed} failed
          </Badge>{" "}
          on {version === "draft" ? "the draft" : `version ${version}`}
        </p>
      ) : null}
      {files === null && !loadError ? <p className="muted">Loading tests…</p> : null}
      {files !== null && names.length === 0 ? <p className="muted">No conversation tests yet.</p> : null}
      <ul className="flow-test-list" data-testid="test-results">
        {(run ? run.results : names.map((n) => ({ ...n, passed: null as boolean | null, failures: [] as string[] }))).map((r, i) => (
          <li key={i} className="flow-test" data-testid={`test-result-${i}`} data-passed={r.passed === null ? undefined : String(r.passed)}>
            {r.passed === null ? null : <Badge tone={r.passed ? "success" : "danger"}>{r.passed ? "pass" : "fail"}</Badge>} <span>{r.name}</span>{" "}
            <span className="muted mono">{r.file}</span>
            {r.failures.length ? <pre className="code-block flow-json">{r.failures.join("\n")}</pre> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
