// "What the bot did not understand": utterances answered Unknown or with low confidence,
// grouped when alike. An editor adds one to a domain's draft as an example of an intent, or
// as an Unknown example; the model learns it at the domain's next publish.
import { useState } from "react";
import { addNotUnderstoodExample, getNotUnderstood, type AnalyticsFilters, type NotUnderstoodRow } from "../../api/analytics";
import { listDomains, UNKNOWN_INTENT, type Domain } from "../../api/bots";
import type { ApiError } from "../../api/client";
import { toApiError, useApi } from "../../lib/useApi";
import { useSession } from "../../session/SessionContext";
import { Badge, Button, Card, Dialog, ErrorNotice, Loading, Notice, SelectField, TextField, useToast } from "../../ui";
import { ExportCsvButton } from "./ChartCard";
import { filtersKey } from "./filters";

const UNKNOWN_LABEL = "Unknown (not handled by the bot)";

export function NotUnderstoodInbox({ filters }: { filters: AnalyticsFilters }) {
  const canEdit = useSession().can("edit");
  const [below, setBelow] = useState("0.5");
  const threshold = Number(below);
  const validBelow = below.trim() !== "" && threshold >= 0 && threshold <= 1;
  const asked = validBelow ? threshold : 0.5;
  const inbox = useApi((signal) => getNotUnderstood(filters, asked, signal), `inbox:${filtersKey(filters)}:${asked}`);
  const domains = useApi((signal) => (canEdit ? listDomains(signal) : Promise.resolve([])), `domains:${canEdit}`);
  const [adding, setAdding] = useState<string | null>(null);
  const [added, setAdded] = useState<Record<string, string>>({});

  return (
    <Card
      title="What the bot did not understand"
      testId="an-inbox"
      actions={<ExportCsvButton figure="not-understood" filters={filters} more={{ below: asked }} testId="an-inbox-csv" />}
    >
      <div className="row an-inbox-tools">
        <TextField
          label="Low confidence below"
          type="number"
          min={0}
          max={1}
          step={0.05}
          value={below}
          error={validBelow ? undefined : "A number from 0 to 1."}
          hint="Utterances answered Unknown, or recognised with less confidence than this."
          onChange={(e) => setBelow(e.target.value)}
          data-testid="an-inbox-below"
        />
      </div>
      {canEdit ? null : <Notice>Adding utterances as examples needs the editor role.</Notice>}
      {inbox.error ? (
        <ErrorNotice error={inbox.error} title="The inbox could not be read" onRetry={inbox.reload} />
      ) : inbox.data === undefined ? (
        <Loading label="Loading the inbox…" />
      ) : inbox.data.rows.length === 0 ? (
        <p className="muted" data-testid="an-inbox-empty">
          Nothing in this range: every caller was understood.
        </p>
      ) : (
        <>
          <p className="muted" data-testid="an-inbox-sampled">
            {inbox.data.rows.length} groups from the latest {inbox.data.sampled} utterances not understood.
          </p>
          <ol className="an-inbox list-plain" data-testid="an-inbox-groups">
            {inbox.data.rows.map((group, g) => (
              <GroupView key={`${group.group}-${g}`} group={group} index={g} canEdit={canEdit} added={added} onAdd={setAdding} />
            ))}
          </ol>
        </>
      )}
      {adding !== null ? (
        <AddExampleDialog
          text={adding}
          domains={domains.data}
          domainsError={domains.error}
          onClose={() => setAdding(null)}
          onAdded={(text, where) => {
            setAdded((previous) => ({ ...previous, [text]: where }));
            setAdding(null);
          }}
        />
      ) : null}
    </Card>
  );
}

function GroupView({ group, index, canEdit, added, onAdd }: {
  group: NotUnderstoodRow;
  index: number;
  canEdit: boolean;
  added: Record<string, string>;
  onAdd: (text: string) => void;
}) {
  return (
    <li className="an-group" data-testid={`an-group-${index}`}>
      <div className="row">
        <strong className="grow" data-testid={`an-group-text-${index}`}>
          “{group.group}”
        </strong>
        <Badge tone="primary">
          <span data-testid={`an-group-count-${index}`}>{group.count}</span> {group.count === 1 ? "time" : "times"}
        </Badge>
      </div>
      <div className="row muted an-group-intents">
        Answered:
        {Object.entries(group.intents).map(([intent, times]) => (
          <Badge key={intent} tone={intent === UNKNOWN_INTENT ? "warning" : "neutral"}>
            {intent} × {times}
          </Badge>
        ))}
      </div>
      <ul className="list-plain an-examples" aria-label={`Examples of “${group.group}”`}>
        {group.examples.map((example, e) => (
          <li key={example} className="an-example" data-testid={`an-example-${index}-${e}`}>
            <span className="grow">{example}</span>
            {added[example] ? (
              <Badge tone="success">added to {added[example]}</Badge>
            ) : canEdit ? (
              <Button size="small" onClick={() => onAdd(example)} data-testid={`an-add-example-${index}-${e}`} aria-label={`Add “${example}” as an example`}>
                Add as example…
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
    </li>
  );
}

function AddExampleDialog({ text, domains, domainsError, onClose, onAdded }: {
  text: string;
  domains: Domain[] | undefined;
  domainsError: ApiError | null;
  onClose: () => void;
  onAdded: (text: string, where: string) => void;
}) {
  const toast = useToast();
  const [domainName, setDomainName] = useState("");
  const [intent, setIntent] = useState("");
  const [wording, setWording] = useState(text);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const chosenDomain = domains?.find((d) => d.name === (domainName || domains[0]?.name)) ?? null;
  const intents = (chosenDomain?.intents ?? []).filter((i) => i.code !== UNKNOWN_INTENT);
  const chosenIntent = intent || intents[0]?.code || UNKNOWN_INTENT;

  const submit = async () => {
    if (!chosenDomain) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await addNotUnderstoodExample({ domain: chosenDomain.name, intent: chosenIntent, text: wording.trim() });
      const where = `${answer.domain} / ${answer.intent === UNKNOWN_INTENT ? "Unknown" : answer.intent}`;
      toast.success(`“${wording.trim()}” is an example of ${where} in the draft; the model learns it at the next publish.`);
      onAdded(text, where);
    } catch (cause) {
      setError(toApiError(cause));
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title="Add as an example"
      onClose={onClose}
      testId="an-add-dialog"
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!chosenDomain || !wording.trim()} data-testid="an-add-submit">
            Add to the draft
          </Button>
        </>
      }
    >
      {domainsError ? <ErrorNotice error={domainsError} title="The domains could not be listed" /> : null}
      {domains === undefined && !domainsError ? <Loading label="Loading domains…" /> : null}
      {domains && domains.length === 0 ? <Notice kind="warning">The tenant has no domain to add examples to.</Notice> : null}
      {domains && domains.length ? (
        <>
          <TextField label="Utterance" value={wording} onChange={(e) => setWording(e.target.value)} required data-testid="an-add-text" />
          <SelectField
            label="Domain"
            value={chosenDomain?.name ?? ""}
            options={domains.map((d) => ({ value: d.name, label: `${d.name} (${d.language})` }))}
            onChange={(e) => {
              setDomainName(e.target.value);
              setIntent("");
            }}
            data-testid="an-add-domain"
          />
          <SelectField
            label="Example of"
            value={chosenIntent}
            options={[...intents.map((i) => ({ value: i.code, label: i.name && i.name !== i.code ? `${i.code} — ${i.name}` : i.code })), { value: UNKNOWN_INTENT, label: UNKNOWN_LABEL }]}
            onChange={(e) => setIntent(e.target.value)}
            hint="The example goes to the domain's draft; the model learns it at the next publish."
            data-testid="an-add-intent"
          />
        </>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
    </Dialog>
  );
}
