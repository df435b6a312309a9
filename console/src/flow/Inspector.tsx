// The selected node's parameters and branches as a form that knows each kind's fields and
// each branch condition; with nothing selected, the flow's own name, scenario and variables.
// Every change is an operation on the draft (see model/operations.ts).
import { useId, useState } from "react";
import type { Branch, Flow, FlowNode, JsonValue, Problem, Scenario, VariableType } from "../api/flows";
import { Button, SelectField, TextAreaField, TextField } from "../ui";
import { IconTrash } from "../ui";
import { conditionOf, type Condition, type ConditionKind, suggestCondition } from "./model/branches";
import { kindOf, MENU_KEYS, onConditions, WEEKDAYS, type FieldSpec, type Suggestion } from "./model/kinds";
import {
  connect,
  deleteBranch,
  deleteNode,
  moveBranch,
  renameNode,
  retarget,
  setCondition,
  setName,
  setParam,
  setPromptSource,
} from "./model/operations";
import type { Catalogue } from "./useCatalogue";

type Edit = (change: (flow: Flow) => Flow, key?: string) => void;

export interface InspectorProps {
  flow: Flow;
  node: FlowNode | null;
  /** The branch picked on the graph, shown highlighted. */
  branch: number | null;
  readOnly: boolean;
  edit: Edit;
  seal: () => void;
  problems: Problem[];
  catalogue: Catalogue;
  onSelectNode: (id: string | null) => void;
  openSubflow?: (code: string) => void;
}

export function Inspector(props: InspectorProps) {
  return (
    <section className="flow-inspector" data-testid="inspector" aria-label="Inspector">
      {props.node ? <NodeForm key={props.node.id} {...props} node={props.node} /> : <FlowProperties {...props} />}
    </section>
  );
}

function Suggestions({ id, items }: { id: string; items: readonly string[] }) {
  return (
    <datalist id={id}>
      {items.map((item) => (
        <option key={item} value={item} />
      ))}
    </datalist>
  );
}

function jsonText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : String(value);
}

// -- the flow ---------------------------------------------------------------------------

const SCENARIOS: { value: Scenario; label: string }[] = [
  { value: "Default", label: "Main flow (Default)" },
  { value: "subFlow", label: "Sub-flow (subFlow)" },
  { value: "SYS_ERROR_DEFAULT", label: "Error flow (SYS_ERROR_DEFAULT)" },
];
const VARIABLE_TYPES: VariableType[] = ["string", "integer", "long", "float", "list", "object"];

function FlowProperties({ flow, readOnly, edit, seal }: InspectorProps) {
  const variables = flow.variables ?? [];
  const setVariables = (next: typeof variables, key?: string) => edit((f) => ({ ...f, variables: next }), key);
  return (
    <div className="stack">
      <h2 className="flow-panel-title">Flow {flow.code}</h2>
      <p className="muted">Select a node on the graph to see its parameters.</p>
      <TextField label="Name" value={flow.name} readOnly={readOnly} onChange={(e) => edit((f) => ({ ...f, name: e.target.value }), "flow.name")} onBlur={seal} />
      <TextAreaField
        label="Description"
        value={flow.description ?? ""}
        readOnly={readOnly}
        rows={3}
        onChange={(e) => edit((f) => ({ ...f, description: e.target.value }), "flow.description")}
        onBlur={seal}
      />
      <SelectField
        label="Scenario"
        value={flow.scenario ?? "Default"}
        disabled={readOnly}
        options={SCENARIOS}
        onChange={(e) => edit((f) => ({ ...f, scenario: e.target.value as Scenario }))}
      />
      <fieldset className="flow-fieldset">
        <legend>FLOW variables</legend>
        {variables.length === 0 ? <p className="muted">None.</p> : null}
        {variables.map((v, i) => (
          <div className="flow-map-row" key={i}>
            <TextField
              label={`Variable ${i + 1} name`}
              hideLabel
              placeholder="name"
              value={v.name}
              readOnly={readOnly}
              onChange={(e) => setVariables(variables.map((w, j) => (j === i ? { ...w, name: e.target.value } : w)), `flow.variables.${i}`)}
              onBlur={seal}
            />
            <SelectField
              label={`Variable ${i + 1} type`}
              hideLabel
              value={v.type ?? "string"}
              disabled={readOnly}
              options={VARIABLE_TYPES.map((t) => ({ value: t, label: t }))}
              onChange={(e) => setVariables(variables.map((w, j) => (j === i ? { ...w, type: e.target.value as VariableType } : w)))}
            />
            {readOnly ? null : (
              <Button size="small" variant="ghost" icon={<IconTrash />} aria-label={`Remove variable ${v.name || i + 1}`} onClick={() => setVariables(variables.filter((_, j) => j !== i))} />
            )}
          </div>
        ))}
        {readOnly ? null : (
          <Button size="small" onClick={() => setVariables([...variables, { name: `var${variables.length + 1}`, type: "string" }])}>
            Add variable
          </Button>
        )}
      </fieldset>
    </div>
  );
}

// -- one node ---------------------------------------------------------------------------

function NodeForm({ flow, node, branch, readOnly, edit, seal, problems, catalogue, onSelectNode, openSubflow }: InspectorProps & { node: FlowNode }) {
  const spec = kindOf(node);
  const [idDraft, setIdDraft] = useState(node.id);
  const [idError, setIdError] = useState<string | null>(null);
  const params = node.params ?? {};
  const known = new Set([...(spec?.fields.map((f) => f.name) ?? []), ...(spec?.prompt ? ["text", "template", "audio"] : [])]);
  const others = Object.keys(params).filter((name) => !known.has(name));
  const nodeProblems = problems.filter((p) => p.node === node.id);

  const commitId = () => {
    const next = idDraft.trim();
    if (next === node.id) return setIdError(null);
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(next)) return setIdError("Letters, digits, _ . - (up to 64)");
    if (flow.nodes.some((n) => n.id === next)) return setIdError(`A node ${next} exists already`);
    setIdError(null);
    edit((f) => renameNode(f, node.id, next));
    onSelectNode(next);
  };

  return (
    <div className="stack">
      <div className="flow-inspector-head" style={{ ["--flow-hue" as string]: spec?.hue ?? 220 }}>
        <h2 className="flow-panel-title">{spec?.title ?? `Unknown kind “${node.kind}”`}</h2>
        {readOnly ? null : (
          <Button size="small" variant="danger" icon={<IconTrash />} onClick={() => (edit((f) => deleteNode(f, node.id)), onSelectNode(null))}>
            Delete node
          </Button>
        )}
      </div>
      {spec?.help ? <p className="muted">{spec.help}</p> : null}
      {nodeProblems.length ? (
        <ul className="flow-inline-problems" aria-label="Problems of this node">
          {nodeProblems.map((p, i) => (
            <li key={i}>
              {p.branch !== null ? `Branch ${p.branch + 1}: ` : ""}
              {p.field ? `${p.field}: ` : ""}
              {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      <TextField
        label="Node id"
        value={idDraft}
        readOnly={readOnly}
        error={idError ?? undefined}
        hint={readOnly ? undefined : "Renaming also updates the branches that lead here."}
        onChange={(e) => setIdDraft(e.target.value)}
        onBlur={commitId}
        onKeyDown={(e) => e.key === "Enter" && commitId()}
      />
      <TextField label="Display name" value={node.name ?? ""} readOnly={readOnly} onChange={(e) => edit((f) => setName(f, node.id, e.target.value), `${node.id}.name`)} onBlur={seal} />
      {spec?.prompt ? <PromptEditor node={node} readOnly={readOnly} edit={edit} seal={seal} catalogue={catalogue} /> : null}
      {spec?.fields.map((field) => (
        <FieldEditor key={field.name} node={node} field={field} readOnly={readOnly} edit={edit} seal={seal} catalogue={catalogue} />
      ))}
      {node.kind === "subflow" && typeof params.flow === "string" && params.flow && openSubflow ? (
        <Button size="small" onClick={() => openSubflow(params.flow as string)}>
          Open sub-flow {params.flow}
        </Button>
      ) : null}
      {others.length ? (
        <fieldset className="flow-fieldset">
          <legend>Other parameters</legend>
          <p className="muted">Not a parameter of this kind; publishing refuses them.</p>
          {others.map((name) => (
            <div className="flow-map-row" key={name}>
              <code className="grow">
                {name}: {JSON.stringify(params[name])}
              </code>
              {readOnly ? null : (
                <Button size="small" variant="ghost" icon={<IconTrash />} aria-label={`Remove parameter ${name}`} onClick={() => edit((f) => setParam(f, node.id, name, undefined))} />
              )}
            </div>
          ))}
        </fieldset>
      ) : null}
      {spec?.terminal && !(node.branches ?? []).length ? null : (
        <BranchList flow={flow} node={node} highlighted={branch} readOnly={readOnly} edit={edit} seal={seal} catalogue={catalogue} onSelectNode={onSelectNode} />
      )}
    </div>
  );
}

interface EditorProps {
  node: FlowNode;
  readOnly: boolean;
  edit: Edit;
  seal: () => void;
  catalogue: Catalogue;
}

const SOURCES = ["text", "template", "audio"] as const;

function PromptEditor({ node, readOnly, edit, seal, catalogue }: EditorProps) {
  const params = node.params ?? {};
  const source = SOURCES.find((s) => s in params) ?? "text";
  const listId = useId();
  const value = jsonText(params[source]);
  const label = { text: "Prompt text", template: "Template", audio: "Audio file" }[source];
  return (
    <fieldset className="flow-fieldset">
      <legend>Prompt</legend>
      <div className="flow-segmented" role="radiogroup" aria-label="Prompt source">
        {SOURCES.map((s) => (
          <label key={s} className={s === source ? "is-on" : ""}>
            <input type="radio" name={`${listId}-source`} value={s} checked={s === source} disabled={readOnly} onChange={() => edit((f) => setPromptSource(f, node.id, s))} />
            {s}
          </label>
        ))}
      </div>
      {source === "text" ? (
        <TextAreaField label={label} rows={3} value={value} readOnly={readOnly} onChange={(e) => edit((f) => setParam(f, node.id, "text", e.target.value), `${node.id}.text`)} onBlur={seal} hint="May use ${FLOW.x}, ${GLOBAL.y}, ${TOC.z}." />
      ) : (
        <>
          <TextField label={label} value={value} readOnly={readOnly} list={source === "template" ? listId : undefined} onChange={(e) => edit((f) => setParam(f, node.id, source, e.target.value), `${node.id}.${source}`)} onBlur={seal} />
          {source === "template" ? <Suggestions id={listId} items={catalogue.lists.templates} /> : null}
        </>
      )}
    </fieldset>
  );
}

function numberOrText(raw: string): JsonValue | undefined {
  if (raw.trim() === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : raw;
}

function FieldEditor({ node, field, readOnly, edit, seal, catalogue }: EditorProps & { field: FieldSpec }) {
  const listId = useId();
  const params = node.params ?? {};
  const value = params[field.name];
  const key = `${node.id}.${field.name}`;
  const set = (next: JsonValue | undefined, coalesce = true) => edit((f) => setParam(f, node.id, field.name, next), coalesce ? key : undefined);
  const required = kindOf(node)?.required.includes(field.name) ?? false;
  const label = required ? `${field.label} (required)` : field.label;
  switch (field.type) {
    case "text":
      return (
        <>
          <TextField label={label} value={jsonText(value)} readOnly={readOnly} list={field.suggest ? listId : undefined} onChange={(e) => set(e.target.value === "" && !required ? undefined : e.target.value)} onBlur={seal} />
          {field.suggest ? <Suggestions id={listId} items={catalogue.lists[field.suggest]} /> : null}
        </>
      );
    case "multiline":
      return <TextAreaField label={label} rows={2} value={jsonText(value)} readOnly={readOnly} onChange={(e) => set(e.target.value === "" ? undefined : e.target.value)} onBlur={seal} />;
    case "select": {
      const options = field.options.map((o) => ({ value: String(o), label: o === "" ? "(none)" : String(o) }));
      return (
        <SelectField
          label={label}
          value={value === undefined || value === null ? "__unset" : String(value)}
          disabled={readOnly}
          options={[...(required ? [] : [{ value: "__unset", label: "(not set)" }]), ...options]}
          onChange={(e) => {
            const raw = e.target.value;
            const option = field.options.find((o) => String(o) === raw);
            set(raw === "__unset" ? undefined : (option ?? raw), false);
          }}
        />
      );
    }
    case "int":
    case "number":
      return (
        <TextField
          label={label}
          type="number"
          inputMode="decimal"
          min={field.min}
          max={field.max}
          step={field.type === "number" ? field.step : 1}
          value={value === undefined || value === null ? "" : String(value)}
          readOnly={readOnly}
          hint={`${field.min} to ${field.max}`}
          onChange={(e) => set(numberOrText(e.target.value))}
          onBlur={seal}
        />
      );
    case "list":
      return (
        <>
          <TextField
            label={label}
            value={Array.isArray(value) ? value.map((v) => jsonText(v)).join(", ") : jsonText(value)}
            readOnly={readOnly}
            hint="Separate with commas."
            list={field.suggest ? listId : undefined}
            onChange={(e) =>
              set(
                e.target.value
                  .split(",")
                  .map((s) => s.trim())
                  .filter((s, i, all) => s !== "" || i === all.length - 1)
                  .filter(Boolean),
              )
            }
            onBlur={seal}
          />
          {field.suggest ? <Suggestions id={listId} items={catalogue.lists[field.suggest]} /> : null}
        </>
      );
    case "map":
      return <MapEditor label={label} field={field} value={value} readOnly={readOnly} set={set} seal={seal} suggest={field.name === "outputs" || field.name === "assignments" ? "variables" : undefined} catalogue={catalogue} />;
    case "periods":
      return <PeriodsEditor label={label} value={value} readOnly={readOnly} set={set} seal={seal} />;
  }
}

function MapEditor({
  label,
  field,
  value,
  readOnly,
  set,
  seal,
  suggest,
  catalogue,
}: {
  label: string;
  field: Extract<FieldSpec, { type: "map" }>;
  value: JsonValue | undefined;
  readOnly: boolean;
  set: (next: JsonValue | undefined, coalesce?: boolean) => void;
  seal: () => void;
  suggest?: Suggestion;
  catalogue: Catalogue;
}) {
  const listId = useId();
  const entries = value && typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [];
  const write = (next: [string, JsonValue][], coalesce = true) => set(Object.fromEntries(next), coalesce);
  return (
    <fieldset className="flow-fieldset">
      <legend>{label}</legend>
      {entries.length === 0 ? <p className="muted">None.</p> : null}
      {entries.map(([k, v], i) => (
        <div className="flow-map-row" key={i}>
          <TextField
            label={`${field.keyLabel} ${i + 1}`}
            hideLabel
            placeholder={field.keyLabel}
            value={k}
            readOnly={readOnly}
            list={field.name === "assignments" && suggest ? listId : undefined}
            onChange={(e) => write(entries.map(([k2, v2], j) => (j === i ? [e.target.value, v2] : [k2, v2])))}
            onBlur={seal}
          />
          <TextField
            label={`${field.valueLabel} ${i + 1}`}
            hideLabel
            placeholder={field.valueLabel}
            value={jsonText(v)}
            readOnly={readOnly}
            list={field.name === "outputs" && suggest ? listId : undefined}
            onChange={(e) => write(entries.map(([k2, v2], j) => (j === i ? [k2, e.target.value] : [k2, v2])))}
            onBlur={seal}
          />
          {readOnly ? null : (
            <Button size="small" variant="ghost" icon={<IconTrash />} aria-label={`Remove ${field.keyLabel.toLowerCase()} ${k || i + 1}`} onClick={() => write(entries.filter((_, j) => j !== i), false)} />
          )}
        </div>
      ))}
      {suggest ? <Suggestions id={listId} items={catalogue.lists[suggest]} /> : null}
      {readOnly ? null : (
        <Button size="small" onClick={() => write([...entries, [entries.some(([k]) => k === "") ? `${field.keyLabel.toLowerCase()}${entries.length + 1}` : "", ""]], false)}>
          Add {field.keyLabel.toLowerCase()}
        </Button>
      )}
    </fieldset>
  );
}

interface Period {
  days: string[];
  from: string;
  to: string;
}

function PeriodsEditor({ label, value, readOnly, set, seal }: { label: string; value: JsonValue | undefined; readOnly: boolean; set: (next: JsonValue | undefined, coalesce?: boolean) => void; seal: () => void }) {
  const periods: Period[] = Array.isArray(value)
    ? value.map((p) => {
        const o = p && typeof p === "object" && !Array.isArray(p) ? p : {};
        return { days: Array.isArray(o.days) ? o.days.map(String) : [], from: jsonText(o.from), to: jsonText(o.to) };
      })
    : [];
  const write = (next: Period[], coalesce = true) => set(next as unknown as JsonValue, coalesce);
  const change = (i: number, patch: Partial<Period>, coalesce = true) => write(periods.map((p, j) => (j === i ? { ...p, ...patch } : p)), coalesce);
  return (
    <fieldset className="flow-fieldset">
      <legend>{label}</legend>
      {periods.map((p, i) => (
        <div className="flow-period" key={i}>
          <div className="flow-days" role="group" aria-label={`Days of period ${i + 1}`}>
            {WEEKDAYS.map((d) => (
              <label key={d} className={p.days.includes(d) ? "is-on" : ""}>
                <input
                  type="checkbox"
                  checked={p.days.includes(d)}
                  disabled={readOnly}
                  onChange={(e) => change(i, { days: WEEKDAYS.filter((w) => (w === d ? e.target.checked : p.days.includes(w))) }, false)}
                />
                {d}
              </label>
            ))}
          </div>
          <div className="flow-map-row">
            <TextField label={`Period ${i + 1} from`} placeholder="HH:MM" value={p.from} readOnly={readOnly} onChange={(e) => change(i, { from: e.target.value })} onBlur={seal} />
            <TextField label={`Period ${i + 1} to`} placeholder="HH:MM or 24:00" value={p.to} readOnly={readOnly} onChange={(e) => change(i, { to: e.target.value })} onBlur={seal} />
            {readOnly ? null : (
              <Button size="small" variant="ghost" icon={<IconTrash />} aria-label={`Remove period ${i + 1}`} onClick={() => write(periods.filter((_, j) => j !== i), false)} />
            )}
          </div>
        </div>
      ))}
      {readOnly ? null : (
        <Button size="small" onClick={() => write([...periods, { days: ["mon", "tue", "wed", "thu", "fri"], from: "08:00", to: "20:00" }], false)}>
          Add period
        </Button>
      )}
    </fieldset>
  );
}

// -- branches ---------------------------------------------------------------------------

const CONDITION_LABELS: Record<ConditionKind, string> = {
  default: "default",
  on: "on (event / outcome)",
  key: "key (menu)",
  intent: "intent (recognize)",
  when: "when (expression)",
};

function conditionKinds(node: FlowNode, current: ConditionKind): ConditionKind[] {
  const spec = kindOf(node);
  const kinds: ConditionKind[] = ["default", "on", ...(spec?.conditions ?? [])];
  return kinds.includes(current) ? kinds : [...kinds, current];
}

function firstValue(node: FlowNode, kind: ConditionKind, catalogue: Catalogue): string {
  switch (kind) {
    case "on":
      return onConditions(kindOf(node))[0] ?? "timeout1";
    case "key":
      return MENU_KEYS.find((k) => !(node.branches ?? []).some((b) => b.key === k)) ?? "1";
    case "intent": {
      const domain = node.params?.domain;
      return (typeof domain === "string" ? catalogue.intents[domain]?.[0] : undefined) ?? "intent";
    }
    case "when":
      return "FLOW.x == 1";
    default:
      return "";
  }
}

function BranchList({
  flow,
  node,
  highlighted,
  readOnly,
  edit,
  seal,
  catalogue,
  onSelectNode,
}: EditorProps & { flow: Flow; highlighted: number | null; onSelectNode: (id: string | null) => void }) {
  const branches = node.branches ?? [];
  const [target, setTarget] = useState("");
  const targets = flow.nodes.filter((n) => n.kind !== "start").map((n) => ({ value: n.id, label: n.id }));
  const domain = typeof node.params?.domain === "string" ? node.params.domain : "";
  const intents = catalogue.intents[domain] ?? [];
  return (
    <fieldset className="flow-fieldset" data-testid="inspector-branches">
      <legend>Branches</legend>
      {kindOf(node)?.terminal ? <p className="flow-warning">Nothing may follow a {node.kind} node; remove these branches.</p> : null}
      {branches.length === 0 ? <p className="muted">No branches yet. Drag from the node's right handle, or add one here.</p> : null}
      <ol className="flow-branches">
        {branches.map((b, i) => (
          <BranchRow
            key={i}
            node={node}
            branch={b}
            index={i}
            count={branches.length}
            highlighted={highlighted === i}
            targets={targets}
            intents={intents}
            readOnly={readOnly}
            edit={edit}
            seal={seal}
            catalogue={catalogue}
            onSelectNode={onSelectNode}
          />
        ))}
      </ol>
      {readOnly ? null : (
        <div className="flow-map-row">
          <SelectField label="New branch to" value={target} placeholder="Choose a node…" options={targets} onChange={(e) => setTarget(e.target.value)} />
          <Button
            size="small"
            disabled={!target}
            onClick={() => {
              edit((f) => connect(f, node.id, target, suggestCondition(node, intents)));
              setTarget("");
            }}
          >
            Add branch
          </Button>
        </div>
      )}
    </fieldset>
  );
}

function BranchRow({
  node,
  branch,
  index,
  count,
  highlighted,
  targets,
  intents,
  readOnly,
  edit,
  seal,
  catalogue,
  onSelectNode,
}: EditorProps & {
  branch: Branch;
  index: number;
  count: number;
  highlighted: boolean;
  targets: { value: string; label: string }[];
  intents: string[];
  onSelectNode: (id: string | null) => void;
}) {
  const listId = useId();
  const condition = conditionOf(branch);
  const n = index + 1;
  const set = (next: Condition, coalesce = false) => edit((f) => setCondition(f, node.id, index, next), coalesce ? `${node.id}.branch.${index}` : undefined);
  const targetOptions = targets.some((t) => t.value === branch.to) ? targets : [...targets, { value: branch.to, label: `${branch.to} (missing)` }];
  return (
    <li className={`flow-branch ${highlighted ? "is-highlighted" : ""}`} data-testid={`inspector-branch-${index}`}>
      <div className="flow-map-row">
        <SelectField
          label={`Branch ${n} condition`}
          value={condition.kind}
          disabled={readOnly}
          options={conditionKinds(node, condition.kind).map((k) => ({ value: k, label: CONDITION_LABELS[k] }))}
          onChange={(e) => {
            const kind = e.target.value as ConditionKind;
            set({ kind, value: firstValue(node, kind, catalogue) });
          }}
        />
        {condition.kind === "on" ? (
          <SelectField
            label={`Branch ${n} event`}
            value={condition.value}
            disabled={readOnly}
            options={[...new Set([...onConditions(kindOf(node)).filter((c) => c !== "default"), condition.value])].map((c) => ({ value: c, label: c }))}
            onChange={(e) => set({ kind: "on", value: e.target.value })}
          />
        ) : null}
        {condition.kind === "key" ? (
          <SelectField
            label={`Branch ${n} key`}
            value={condition.value}
            disabled={readOnly}
            options={[...new Set([...MENU_KEYS, condition.value])].map((k) => ({ value: k, label: k }))}
            onChange={(e) => set({ kind: "key", value: e.target.value })}
          />
        ) : null}
        {condition.kind === "intent" ? (
          <>
            <TextField label={`Branch ${n} intent`} value={condition.value} readOnly={readOnly} list={listId} onChange={(e) => set({ kind: "intent", value: e.target.value }, true)} onBlur={seal} />
            <Suggestions id={listId} items={intents} />
          </>
        ) : null}
      </div>
      {condition.kind === "when" ? (
        <TextAreaField
          label={`Branch ${n} expression`}
          rows={2}
          className="mono"
          value={condition.value}
          readOnly={readOnly}
          onChange={(e) => set({ kind: "when", value: e.target.value }, true)}
          onBlur={seal}
          hint="&& || ! == != < <= > >=, FLOW.x, GLOBAL.y, SYS.z …"
        />
      ) : null}
      <div className="flow-map-row">
        <SelectField label={`Branch ${n} goes to`} value={branch.to} disabled={readOnly} options={targetOptions} onChange={(e) => edit((f) => retarget(f, node.id, index, e.target.value))} />
        <Button size="small" variant="ghost" onClick={() => onSelectNode(branch.to)} aria-label={`Show node ${branch.to}`}>
          Show
        </Button>
        {readOnly ? null : (
          <>
            <Button size="small" variant="ghost" disabled={index === 0} aria-label={`Move branch ${n} up`} onClick={() => edit((f) => moveBranch(f, node.id, index, -1))}>
              ↑
            </Button>
            <Button size="small" variant="ghost" disabled={index === count - 1} aria-label={`Move branch ${n} down`} onClick={() => edit((f) => moveBranch(f, node.id, index, 1))}>
              ↓
            </Button>
            <Button size="small" variant="ghost" icon={<IconTrash />} aria-label={`Remove branch ${n}`} onClick={() => edit((f) => deleteBranch(f, node.id, index))} />
          </>
        )}
      </div>
    </li>
  );
}
