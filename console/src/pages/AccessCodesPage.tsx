import { useState } from "react";
import { Link } from "react-router-dom";
import { ACCESS_CODE_MAX, DIALOG_TYPES, deleteAccessCode, dialogTypeLabel, listAccessCodes, putAccessCode } from "../api/accessCodes";
import type { AccessCode } from "../api/accessCodes";
import { listFlowSummaries } from "../api/bots";
import type { FlowSummary } from "../api/bots";
import type { ApiError } from "../api/client";
import { toApiError, useApi } from "../lib/useApi";
import { paths } from "../paths";
import { useSession } from "../session/SessionContext";
import { ApiView, Badge, Button, Card, ConfirmDialog, Dialog, ErrorNotice, IconEdit, IconPlus, IconTrash, Page, PageHeader, SelectField, Table, TextField, useToast } from "../ui";

interface BindingForm {
  code: string;
  flow: string;
  dialogType: number;
  description: string;
  /** Rebinding an existing code: the code itself cannot change. */
  existing: boolean;
}

function BindDialog({ form, flows, onClose, onSaved }: { form: BindingForm; flows: FlowSummary[]; onClose: () => void; onSaved: (code: AccessCode) => void }) {
  const [value, setValue] = useState(form);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const codeProblem = !value.code.trim() ? "Give the access code." : value.code.trim().length > ACCESS_CODE_MAX ? `At most ${ACCESS_CODE_MAX} characters.` : null;

  const submit = async () => {
    if (codeProblem || !value.flow) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await putAccessCode(value.code.trim(), { flow: value.flow, dialogType: value.dialogType, description: value.description });
      onSaved(saved);
    } catch (cause) {
      setError(toApiError(cause));
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title={form.existing ? `Rebind ${form.code}` : "Bind an access code"}
      onClose={onClose}
      onSubmit={submit}
      testId="bind-dialog"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!!codeProblem || !value.flow} data-testid="bind-save">
            {form.existing ? "Rebind" : "Bind"}
          </Button>
        </>
      }
    >
      <TextField
        label="Access code"
        value={value.code}
        readOnly={form.existing}
        required
        maxLength={ACCESS_CODE_MAX}
        hint={form.existing ? undefined : "The number or robot code callers reach."}
        error={!form.existing && value.code ? codeProblem : undefined}
        onChange={(event) => setValue({ ...value, code: event.target.value })}
        data-testid="bind-code"
      />
      <SelectField
        label="Flow"
        value={value.flow}
        required
        placeholder="Pick the flow a call starts"
        options={flows.map((flow) => ({ value: flow.code, label: `${flow.code} — ${flow.name}` }))}
        onChange={(event) => setValue({ ...value, flow: event.target.value })}
        data-testid="bind-flow"
      />
      <SelectField
        label="Dialog type"
        value={String(value.dialogType)}
        options={DIALOG_TYPES.map((type) => ({ value: String(type.value), label: `${type.value} — ${type.label}` }))}
        onChange={(event) => setValue({ ...value, dialogType: Number(event.target.value) })}
        data-testid="bind-dialog-type"
      />
      <TextField label="Description" value={value.description} maxLength={1024} onChange={(event) => setValue({ ...value, description: event.target.value })} data-testid="bind-description" />
      {error ? <ErrorNotice error={error} title="The binding was not saved" /> : null}
    </Dialog>
  );
}

async function loadPage(signal: AbortSignal) {
  const [codes, flows] = await Promise.all([listAccessCodes(signal), listFlowSummaries(signal)]);
  return { codes, flows };
}

/** Bind, rebind and unbind access codes: which flow a call on each code starts. */
export function AccessCodesPage() {
  const session = useSession();
  const toast = useToast();
  const canWrite = session.can("release");
  const state = useApi(loadPage, `access-codes:${session.tenantId}`);
  const [form, setForm] = useState<BindingForm | null>(null);
  const [unbinding, setUnbinding] = useState<AccessCode | null>(null);
  const [unbindError, setUnbindError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const unbind = async (code: AccessCode) => {
    setBusy(true);
    setUnbindError(null);
    try {
      await deleteAccessCode(code.code);
      toast.success(`Access code ${code.code} unbound.`);
      setUnbinding(null);
      state.reload();
    } catch (cause) {
      setUnbindError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page testId="access-codes-page">
      <PageHeader
        title="Access codes"
        description="The numbers and robot codes callers reach, and the flow a new call on each one starts. A change reaches the next new call at once."
        actions={
          canWrite ? (
            <Button
              variant="primary"
              icon={<IconPlus />}
              disabled={!state.data}
              onClick={() => setForm({ code: "", flow: state.data?.flows[0]?.code ?? "", dialogType: 1, description: "", existing: false })}
              data-testid="bind-new"
            >
              Bind an access code
            </Button>
          ) : null
        }
      />
      <ApiView state={state}>
        {({ codes, flows }) => (
          <Card>
            <Table
              caption="Access codes"
              testId="access-codes-table"
              rows={codes}
              rowKey={(code) => code.code}
              rowTestId={(code) => `access-code-row-${code.code}`}
              empty="No access code is bound."
              columns={[
                { key: "code", header: "Access code", render: (code) => <code>{code.code}</code> },
                {
                  key: "flow",
                  header: "Starts flow",
                  render: (code) =>
                    flows.some((flow) => flow.code === code.flow) ? (
                      <Link to={paths.flow(code.flow)}>{code.flow}</Link>
                    ) : (
                      <span>
                        {code.flow} <Badge tone="danger">No such flow</Badge>
                      </span>
                    ),
                },
                { key: "type", header: "Dialog type", render: (code) => dialogTypeLabel(code.dialogType) },
                { key: "description", header: "Description", render: (code) => code.description },
                { key: "source", header: "Source", render: (code) => <Badge>{code.source}</Badge> },
                {
                  key: "actions",
                  header: <span className="visually-hidden">Actions</span>,
                  className: "actions",
                  render: (code) =>
                    canWrite ? (
                      <span className="row-end">
                        <Button
                          size="small"
                          icon={<IconEdit />}
                          aria-label={`Rebind ${code.code}`}
                          onClick={() => setForm({ code: code.code, flow: code.flow, dialogType: code.dialogType, description: code.description, existing: true })}
                          data-testid={`rebind-${code.code}`}
                        >
                          Rebind
                        </Button>
                        <Button
                          size="small"
                          variant="ghost"
                          icon={<IconTrash />}
                          aria-label={`Unbind ${code.code}`}
                          onClick={() => {
                            setUnbindError(null);
                            setUnbinding(code);
                          }}
                          data-testid={`unbind-${code.code}`}
                        >
                          Unbind
                        </Button>
                      </span>
                    ) : null,
                },
              ]}
            />
            {form ? (
              <BindDialog
                form={form}
                flows={flows}
                onClose={() => setForm(null)}
                onSaved={(saved) => {
                  toast.success(`Access code ${saved.code} now starts ${saved.flow}.`);
                  setForm(null);
                  state.reload();
                }}
              />
            ) : null}
          </Card>
        )}
      </ApiView>
      <ConfirmDialog
        open={unbinding !== null}
        title={unbinding ? `Unbind ${unbinding.code}?` : ""}
        confirmLabel="Unbind"
        danger
        busy={busy}
        onCancel={() => setUnbinding(null)}
        onConfirm={() => unbinding && unbind(unbinding)}
        testId="unbind-dialog"
      >
        {unbinding ? (
          <>
            <p>
              New calls on <strong>{unbinding.code}</strong> will be refused instead of starting <strong>{unbinding.flow}</strong>. Calls already running go on.
            </p>
            {unbindError ? <ErrorNotice error={unbindError} title="Nothing changed" /> : null}
          </>
        ) : null}
      </ConfirmDialog>
    </Page>
  );
}
