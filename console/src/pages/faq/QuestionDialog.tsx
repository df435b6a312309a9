import { useState } from "react";
import { createFaq, faqBodyOf, updateFaq } from "../../api/bots";
import type { FaqGroup, FaqItem } from "../../api/bots";
import type { ApiError } from "../../api/client";
import { toApiError } from "../../lib/useApi";
import { Button, Dialog, ErrorNotice, TextAreaField, TextField } from "../../ui";
import { emptyQuestion, questionBody, questionForm, questionProblems } from "./faqForm";
import type { QuestionForm } from "./faqForm";

interface Props {
  group: FaqGroup;
  /** The question to change; none: a new one. */
  item: FaqItem | null;
  onClose: () => void;
  onSaved: (item: FaqItem) => void;
}

const lineCount = (text: string) => text.split("\n").length;

/** Add a question with its answer to a group, or replace one (mount while open). */
export function QuestionDialog({ group, item, onClose, onSaved }: Props) {
  const isNew = item === null;
  const [form, setForm] = useState<QuestionForm>(() => (item ? questionForm(faqBodyOf(item)) : emptyQuestion));
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const problems = questionProblems(form);
  const shown = touched ? problems : {};
  const change = (patch: Partial<QuestionForm>) => setForm((current) => ({ ...current, ...patch }));

  const save = async () => {
    setTouched(true);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setError(null);
    try {
      const body = questionBody(form);
      onSaved(isNew ? await createFaq(group.id, body) : await updateFaq(group.id, item.id, body));
    } catch (cause) {
      setError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      wide
      title={isNew ? `New question in ${group.name}` : "Edit question"}
      onClose={onClose}
      onSubmit={save}
      testId="faq-dialog"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} data-testid="faq-save">
            {isNew ? "Add question" : "Save question"}
          </Button>
        </>
      }
    >
      <TextField label="Question" value={form.question} required autoFocus error={shown.question} onChange={(e) => change({ question: e.target.value })} data-testid="faq-question" />
      <TextAreaField label="Answer" rows={4} value={form.answer} required error={shown.answer} onChange={(e) => change({ answer: e.target.value })} data-testid="faq-answer" />
      <div className="grid-2">
        <TextAreaField
          label="Also asked as"
          hint="Similar questions, one per line: callers asking them get the same answer."
          rows={Math.min(10, Math.max(3, lineCount(form.similar) + 1))}
          value={form.similar}
          error={shown.similar}
          onChange={(e) => change({ similar: e.target.value })}
          data-testid="faq-similar"
        />
        <TextAreaField
          label="Other answers"
          hint="Alternative answers, one per line (optional)."
          rows={Math.min(10, Math.max(3, lineCount(form.similarAnswers) + 1))}
          value={form.similarAnswers}
          error={shown.similarAnswers}
          onChange={(e) => change({ similarAnswers: e.target.value })}
          data-testid="faq-similar-answers"
        />
      </div>
      <TextField
        label="Keywords"
        hint="Separated by commas; they help find the question."
        value={form.keywords}
        error={shown.keywords}
        onChange={(e) => change({ keywords: e.target.value })}
        data-testid="faq-keywords"
      />
      {error ? <ErrorNotice error={error} title={isNew ? "The question was not added" : "The question was not saved"} /> : null}
    </Dialog>
  );
}
