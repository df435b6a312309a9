import { useState } from "react";
import { createFaqGroup, FAQ_GROUP_DESCRIPTION_MAX, FAQ_GROUP_NAME_MAX, FAQ_LANGUAGES, updateFaqGroup } from "../../api/bots";
import type { FaqGroup } from "../../api/bots";
import type { ApiError } from "../../api/client";
import { toApiError } from "../../lib/useApi";
import { Button, Checkbox, Dialog, ErrorNotice, SelectField, TextAreaField, TextField } from "../../ui";
import { groupBody, groupProblems } from "./faqForm";
import type { GroupForm } from "./faqForm";

interface Props {
  /** The group to change; none: a new one. */
  group: FaqGroup | null;
  onClose: () => void;
  onSaved: (group: FaqGroup) => void;
}

/** Create a Q&A group, or rename, describe, activate or deactivate one (mount while open). */
export function GroupDialog({ group, onClose, onSaved }: Props) {
  const isNew = group === null;
  const [form, setForm] = useState<GroupForm>(() => ({
    name: group?.name ?? "",
    language: group?.language ?? "en_US",
    description: group?.description ?? "",
    active: group?.on ?? true,
  }));
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const problems = groupProblems(form);
  const shown = touched ? problems : {};
  const change = (patch: Partial<GroupForm>) => setForm((current) => ({ ...current, ...patch }));

  const save = async () => {
    setTouched(true);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setError(null);
    try {
      const body = groupBody(form, isNew);
      onSaved(isNew ? await createFaqGroup(body) : await updateFaqGroup(group.id, body));
    } catch (cause) {
      setError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title={isNew ? "New Q&A group" : `Edit group ${group.name}`}
      onClose={onClose}
      onSubmit={save}
      testId="faq-group-dialog"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} data-testid="faq-group-save">
            {isNew ? "Create group" : "Save group"}
          </Button>
        </>
      }
    >
      <TextField
        label="Name"
        value={form.name}
        maxLength={FAQ_GROUP_NAME_MAX}
        required
        autoFocus
        error={shown.name}
        hint="Unique in the tenant; Q&A nodes name groups by it."
        onChange={(e) => change({ name: e.target.value })}
        data-testid="faq-group-name"
      />
      <SelectField
        label="Language"
        value={form.language}
        disabled={!isNew}
        hint={isNew ? undefined : "A group's language cannot change."}
        options={FAQ_LANGUAGES.map((code) => ({ value: code, label: code }))}
        onChange={(e) => change({ language: e.target.value })}
        data-testid="faq-group-language"
      />
      <TextAreaField
        label="Description"
        rows={3}
        value={form.description}
        maxLength={FAQ_GROUP_DESCRIPTION_MAX}
        error={shown.description}
        onChange={(e) => change({ description: e.target.value })}
        data-testid="faq-group-description"
      />
      <Checkbox label="Active: callers are answered from this group" checked={form.active} onChange={(e) => change({ active: e.target.checked })} data-testid="faq-group-active" />
      {error ? <ErrorNotice error={error} title={isNew ? "The group was not created" : "The group was not saved"} /> : null}
    </Dialog>
  );
}
