import { useState } from "react";
import { putRouting } from "../../api/versions";
import type { Routing, Version } from "../../api/versions";
import type { ApiError } from "../../api/client";
import { toApiError } from "../../lib/useApi";
import { checkRouting, describeRule, toDrafts, versionFor } from "../../lib/grayRules";
import type { GrayRuleDraft } from "../../lib/grayRules";
import { Badge, Button, Card, ErrorNotice, IconPlus, IconTrash, SelectField, TextAreaField, TextField, useToast } from "../../ui";

interface Props {
  code: string;
  routing: Routing;
  versions: Version[];
  canRelease: boolean;
  onSaved: (routing: Routing) => void;
}

/** The default version and the gray rules (calling-number lists and prefixes), saved at once. */
export function GrayRulesCard({ code, routing, versions, canRelease, onSaved }: Props) {
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [drafts, setDrafts] = useState<GrayRuleDraft[]>(() => toDrafts(routing.gray));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [probe, setProbe] = useState("");
  const numbers = versions.map((v) => v.number);
  const check = checkRouting(routing.default, drafts, numbers);
  const free = numbers.filter((n) => n !== routing.default && !drafts.some((d) => d.version === n));

  const start = () => {
    setDrafts(toDrafts(routing.gray));
    setError(null);
    setEditing(true);
  };
  const change = (index: number, patch: Partial<GrayRuleDraft>) => setDrafts((list) => list.map((d, i) => (i === index ? { ...d, ...patch } : d)));
  const save = async () => {
    if (routing.default === null || check.problems.length) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await putRouting(code, { default: routing.default, gray: check.rules });
      toast.success(`Gray rules of ${code} saved.`);
      setEditing(false);
      onSaved(saved);
    } catch (cause) {
      setError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  const shownRules = editing ? check.rules : routing.gray;
  const probeVersion = probe.trim() ? versionFor(probe, routing.default, shownRules) : null;

  return (
    <Card
      title="Gray rules"
      testId="gray-rules-card"
      actions={
        !editing && canRelease && routing.default !== null ? (
          <Button size="small" onClick={start} data-testid="gray-edit">
            Edit gray rules
          </Button>
        ) : null
      }
    >
      <p className="muted">
        Calls from the listed calling numbers, or numbers starting with a listed prefix, run the rule's version; every other call runs the live
        version{routing.default !== null ? ` (v${routing.default})` : ""}. An exact number beats any prefix, a longer prefix a shorter one.
      </p>
      {routing.default === null ? <p className="muted">Publish a version first.</p> : null}
      {!editing ? (
        routing.gray.length ? (
          <ul className="list-plain stack" data-testid="gray-rules">
            {routing.gray.map((rule) => (
              <li key={rule.version} data-testid={`gray-rule-${rule.version}`}>
                <Badge tone="primary">v{rule.version}</Badge> {describeRule(rule, 8)}
              </li>
            ))}
          </ul>
        ) : routing.default !== null ? (
          <p data-testid="gray-rules-none">No gray rules: every call runs v{routing.default}.</p>
        ) : null
      ) : (
        <div className="stack" data-testid="gray-editor">
          {drafts.map((draft, index) => (
            <fieldset key={index} className="card stack" data-testid={`gray-rule-editor-${index}`}>
              <legend className="visually-hidden">Gray rule {index + 1}</legend>
              <div className="row">
                <div style={{ width: 180 }}>
                  <SelectField
                    label="Version"
                    value={String(draft.version)}
                    options={numbers.filter((n) => n !== routing.default).map((n) => ({ value: String(n), label: `v${n}` }))}
                    onChange={(event) => change(index, { version: Number(event.target.value) })}
                    data-testid={`gray-version-${index}`}
                  />
                </div>
                <div className="grow" />
                <Button variant="ghost" icon={<IconTrash />} onClick={() => setDrafts((list) => list.filter((_, i) => i !== index))} data-testid={`gray-remove-${index}`}>
                  Remove rule
                </Button>
              </div>
              <div className="grid-2">
                <TextAreaField
                  label="Calling numbers"
                  hint="One per line (or separated by commas); exact matches."
                  rows={4}
                  value={draft.numbers}
                  onChange={(event) => change(index, { numbers: event.target.value })}
                  data-testid={`gray-numbers-${index}`}
                />
                <TextAreaField
                  label="Prefixes"
                  hint="Numbers that start with one of these."
                  rows={4}
                  value={draft.prefixes}
                  onChange={(event) => change(index, { prefixes: event.target.value })}
                  data-testid={`gray-prefixes-${index}`}
                />
              </div>
            </fieldset>
          ))}
          <div className="row">
            <Button
              icon={<IconPlus />}
              disabled={free.length === 0}
              onClick={() => setDrafts((list) => [...list, { version: free[free.length - 1], numbers: "", prefixes: "" }])}
              data-testid="gray-add"
            >
              Add a gray rule
            </Button>
            {free.length === 0 ? <span className="muted">Every other version has a rule.</span> : null}
          </div>
          {check.problems.length ? (
            <div className="notice notice-warning" role="status" data-testid="gray-problems">
              <ul>
                {check.problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {error ? <ErrorNotice error={error} title="The gray rules were not saved" /> : null}
          <div className="row-end">
            <Button onClick={() => setEditing(false)}>Cancel</Button>
            <Button variant="primary" busy={busy} disabled={check.problems.length > 0} onClick={save} data-testid="gray-save">
              Save gray rules
            </Button>
          </div>
        </div>
      )}
      {routing.default !== null ? (
        <div className="row" style={{ marginTop: "var(--space-3)" }}>
          <div style={{ width: 260 }}>
            <TextField label="Which version does a number get?" placeholder="Calling number" value={probe} onChange={(e) => setProbe(e.target.value)} data-testid="gray-probe" />
          </div>
          {probeVersion !== null ? (
            <span data-testid="gray-probe-result" style={{ alignSelf: "flex-end", paddingBottom: 6 }}>
              → <Badge tone="primary">v{probeVersion}</Badge>
            </span>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
