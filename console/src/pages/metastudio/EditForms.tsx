import { useId, useState } from "react";
import { listAccessCodes } from "../../api/accessCodes";
import type { ApiError } from "../../api/client";
import { createApplication, createDialog, updateApplication, updateDialog } from "../../api/metastudio";
import type { Application, Dialog as MsDialog } from "../../api/metastudio";
import { toApiError, useApi } from "../../lib/useApi";
import { Button, Dialog, ErrorNotice, TextAreaField, TextField } from "../../ui";
import { CONCURRENCY_MAX, dialogInput, formOfDialog, parseConcurrency } from "./logic";

/** Creates a dialog (`dialog` null) or changes one's name, concurrency and description. */
export function DialogEditor({ projectId, dialog, onClose, onSaved }: { projectId: string; dialog: MsDialog | null; onClose: () => void; onSaved: (saved: MsDialog) => void }) {
  const [form, setForm] = useState(() => formOfDialog(dialog));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const input = dialogInput(form, dialog);
  const concurrency = parseConcurrency(form.concurrency);

  const submit = async () => {
    if (!input.ok) return;
    setBusy(true);
    setError(null);
    try {
      const value = input.value;
      onSaved(dialog ? await updateDialog(projectId, dialog.dialogId, value) : await createDialog(projectId, { ...value, name: value.name ?? form.name.trim() }));
    } catch (cause) {
      setError(toApiError(cause));
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title={dialog ? `Change dialog ${dialog.name}` : "New dialog"}
      onClose={onClose}
      onSubmit={submit}
      testId="dialog-form"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!input.ok} data-testid="dialog-form-save">
            {dialog ? "Save" : "Create dialog"}
          </Button>
        </>
      }
    >
      <TextField label="Name" value={form.name} required maxLength={256} hint="Unique in the project." onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="dialog-form-name" />
      <TextField
        label="Concurrency"
        inputMode="numeric"
        value={form.concurrency}
        hint={`Jobs it may run at once (0–${CONCURRENCY_MAX}). Empty: none set, so no job can start.`}
        error={concurrency.ok ? undefined : concurrency.error}
        onChange={(e) => setForm({ ...form, concurrency: e.target.value })}
        data-testid="dialog-form-concurrency"
      />
      <TextAreaField label="Description" value={form.description} maxLength={2048} rows={2} onChange={(e) => setForm({ ...form, description: e.target.value })} data-testid="dialog-form-description" />
      {error ? <ErrorNotice error={error} title={dialog ? "The dialog was not changed" : "The dialog was not created"} /> : null}
    </Dialog>
  );
}

/** Creates an application that answers with an OIAP access code's flows, or renames one. */
export function ApplicationEditor({
  projectId,
  application,
  onClose,
  onSaved,
}: {
  projectId: string;
  application: Application | null;
  onClose: () => void;
  onSaved: (saved: Application) => void;
}) {
  const [name, setName] = useState(application?.name ?? "");
  const [accessCode, setAccessCode] = useState(application?.accessCode ?? "");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const listId = useId();
  // Type 30 answers with an access code; other types are configured through the MetaStudio API.
  const hasAccessCode = !application || application.appType === 30;
  const codes = useApi((signal) => (hasAccessCode ? listAccessCodes(signal) : Promise.resolve([])), `ms-codes:${hasAccessCode}`);
  const ready = name.trim() !== "" && (!hasAccessCode || accessCode.trim() !== "");

  const submit = async () => {
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      const code = accessCode.trim();
      if (application) {
        const changes: { name?: string; accessCode?: string } = {};
        if (name.trim() !== application.name) changes.name = name.trim();
        if (hasAccessCode && code !== application.accessCode) changes.accessCode = code;
        onSaved(await updateApplication(projectId, application.applicationId, changes));
      } else {
        onSaved(await createApplication(projectId, { name: name.trim(), accessCode: code }));
      }
    } catch (cause) {
      setError(toApiError(cause));
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title={application ? `Change application ${application.name}` : "New application"}
      onClose={onClose}
      onSubmit={submit}
      testId="application-form"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!ready} data-testid="application-form-save">
            {application ? "Save" : "Create application"}
          </Button>
        </>
      }
    >
      <TextField label="Name" value={name} required maxLength={256} hint="Unique in the project." onChange={(e) => setName(e.target.value)} data-testid="application-form-name" />
      {hasAccessCode ? (
        <>
          <TextField
            label="Access code"
            value={accessCode}
            required
            maxLength={64}
            list={listId}
            hint="One of the tenant's access codes: its flows answer the visitor."
            onChange={(e) => setAccessCode(e.target.value)}
            data-testid="application-form-access-code"
          />
          <datalist id={listId}>
            {(codes.data ?? []).map((code) => (
              <option key={code.code} value={code.code}>
                {code.flow}
              </option>
            ))}
          </datalist>
        </>
      ) : null}
      {error ? <ErrorNotice error={error} title={application ? "The application was not changed" : "The application was not created"} /> : null}
    </Dialog>
  );
}
