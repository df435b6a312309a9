import { useState } from "react";
import { putDomain, UNKNOWN_INTENT } from "../../api/bots";
import type { Domain, Intent } from "../../api/bots";
import type { ApiError } from "../../api/client";
import { toApiError } from "../../lib/useApi";
import { formatExamples, parseExamples } from "../../lib/examples";
import { Badge, Button, Card, ErrorNotice, IconPlus, IconTrash, TextAreaField, TextField, useToast } from "../../ui";
import { slotDraft, slotOf, slotProblems } from "./slots";
import type { SlotDraft } from "./slots";
import { SlotsEditor } from "./SlotsEditor";

interface IntentDraft {
  code: string;
  name: string;
  examples: string;
  reply: string;
  slots: SlotDraft[];
  isNew: boolean;
}

const toDraft = (intent: Intent): IntentDraft => ({
  code: intent.code,
  name: intent.name,
  examples: formatExamples(intent.examples),
  reply: intent.reply,
  slots: intent.slots.map(slotDraft),
  isNew: false,
});

const CODE_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function problemsOf(drafts: IntentDraft[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const d of drafts) {
    if (!d.code.trim()) problems.push("Every intent needs a code.");
    else if (!CODE_PATTERN.test(d.code.trim())) problems.push(`Intent code "${d.code}": letters, digits, _ . - only.`);
    else if (seen.has(d.code.trim())) problems.push(`Intent code "${d.code}" is used twice.`);
    if (!d.name.trim()) problems.push(`Intent "${d.code || "(new)"}" needs a name.`);
    seen.add(d.code.trim());
    problems.push(...slotProblems(d.code.trim(), d.slots));
  }
  return problems;
}

function IntentView({ intent }: { intent: Intent }) {
  return (
    <details className="card" data-testid={`intent-${intent.code}`}>
      <summary className="row" style={{ cursor: "pointer" }}>
        <code>{intent.code}</code>
        <span>{intent.name}</span>
        {intent.code === UNKNOWN_INTENT ? <Badge tone="warning">not handled</Badge> : null}
        <span className="grow" />
        <Badge>{intent.examples.length} examples</Badge>
        {intent.slots.length ? <Badge tone="primary">{intent.slots.length} slots</Badge> : null}
      </summary>
      <div className="stack" style={{ marginTop: "var(--space-3)" }}>
        {intent.examples.length ? (
          <ul className="tag-list list-plain" aria-label={`Examples of ${intent.code}`}>
            {intent.examples.map((example) => (
              <li key={example} className="badge">
                {example}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No examples.</p>
        )}
        {intent.reply ? (
          <p>
            <strong>Reply:</strong> {intent.reply}
          </p>
        ) : null}
        {intent.slots.length ? (
          <dl className="kv">
            {intent.slots.map((slot) => (
              <div key={slot.name} style={{ display: "contents" }}>
                <dt>Slot {slot.name}</dt>
                <dd>{slot.regex ? <code>{slot.regex}</code> : Object.keys(slot.values ?? {}).join(", ")}</dd>
              </div>
            ))}
          </dl>
        ) : null}
      </div>
    </details>
  );
}

/** The domain's intents with their examples; editors change examples, names, slots and replies. */
export function IntentsCard({ domain, canEdit, onSaved }: { domain: Domain; canEdit: boolean; onSaved: (domain: Domain) => void }) {
  const toast = useToast();
  const [drafts, setDrafts] = useState<IntentDraft[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const problems = drafts ? problemsOf(drafts) : [];

  const change = (index: number, patch: Partial<IntentDraft>) => setDrafts((list) => list && list.map((d, i) => (i === index ? { ...d, ...patch } : d)));

  const save = async () => {
    if (!drafts || problems.length) return;
    setBusy(true);
    setError(null);
    try {
      const intents: Intent[] = drafts.map((d) => ({ code: d.code.trim(), name: d.name.trim(), examples: parseExamples(d.examples), slots: d.slots.map(slotOf), reply: d.reply.trim() }));
      const saved = await putDomain({ ...domain, intents });
      toast.success(`Intents of ${domain.name} saved. Publish a flow that uses the domain to train the model callers get.`);
      setDrafts(null);
      onSaved(saved);
    } catch (cause) {
      setError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title={`Intents of ${domain.name}`}
      testId="intents-card"
      actions={
        canEdit && !drafts ? (
          <Button size="small" onClick={() => setDrafts(domain.intents.map(toDraft))} data-testid="intents-edit">
            Edit intents
          </Button>
        ) : null
      }
    >
      {!drafts ? (
        <div className="stack">
          {domain.intents.length === 0 ? <p className="muted">No intents.</p> : domain.intents.map((intent) => <IntentView key={intent.code} intent={intent} />)}
        </div>
      ) : (
        <div className="stack" data-testid="intents-editor">
          {drafts.map((draft, index) => (
            <fieldset key={index} className="card stack" data-testid={`intent-editor-${draft.code || index}`}>
              <legend className="visually-hidden">Intent {draft.code || index + 1}</legend>
              <div className="row" style={{ alignItems: "flex-end" }}>
                <div style={{ width: 200 }}>
                  <TextField label="Code" value={draft.code} readOnly={!draft.isNew} onChange={(e) => change(index, { code: e.target.value })} data-testid={`intent-code-${index}`} />
                </div>
                <div className="grow">
                  <TextField label="Name" value={draft.name} onChange={(e) => change(index, { name: e.target.value })} data-testid={`intent-name-${index}`} />
                </div>
                <Button variant="ghost" icon={<IconTrash />} aria-label={`Remove intent ${draft.code || index + 1}`} onClick={() => setDrafts((list) => list && list.filter((_, i) => i !== index))}>
                  Remove
                </Button>
              </div>
              <TextAreaField
                label={`Examples (${parseExamples(draft.examples).length})`}
                hint="One utterance per line."
                rows={Math.min(12, Math.max(3, draft.examples.split("\n").length + 1))}
                value={draft.examples}
                onChange={(e) => change(index, { examples: e.target.value })}
                data-testid={`intent-examples-${draft.code || index}`}
              />
              {draft.code !== UNKNOWN_INTENT ? (
                <>
                  <TextAreaField
                    label="Reply"
                    hint="What a reply node says for this intent (optional)."
                    rows={2}
                    maxLength={4096}
                    value={draft.reply}
                    onChange={(e) => change(index, { reply: e.target.value })}
                    data-testid={`intent-reply-${index}`}
                  />
                  <SlotsEditor intent={draft.code || `intent ${index + 1}`} index={index} slots={draft.slots} onChange={(slots) => change(index, { slots })} />
                </>
              ) : null}
            </fieldset>
          ))}
          <div className="row">
            <Button icon={<IconPlus />} onClick={() => setDrafts((list) => [...(list ?? []), { code: "", name: "", examples: "", reply: "", slots: [], isNew: true }])} data-testid="intent-add">
              Add an intent
            </Button>
          </div>
          {problems.length ? (
            <div className="notice notice-warning" role="status">
              <ul>
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {error ? <ErrorNotice error={error} title="The intents were not saved" /> : null}
          <div className="row-end">
            <Button
              onClick={() => {
                setDrafts(null);
                setError(null);
              }}
            >
              Cancel
            </Button>
            <Button variant="primary" busy={busy} disabled={problems.length > 0} onClick={save} data-testid="intents-save">
              Save intents
            </Button>
          </div>
        </div>
      )}
    </Card>
  );
}
