import { useState } from "react";
import type { ReactNode } from "react";
import { deleteFaq, listFaqs } from "../../api/bots";
import type { FaqGroup, FaqItem } from "../../api/bots";
import type { ApiError } from "../../api/client";
import { toApiError, useApi } from "../../lib/useApi";
import { formatMillis } from "../../lib/format";
import { ApiView, Badge, Button, Card, ConfirmDialog, ErrorNotice, IconEdit, IconPlus, IconTrash, useToast } from "../../ui";
import { QuestionDialog } from "./QuestionDialog";

interface Props {
  tenantId: string;
  group: FaqGroup;
  canEdit: boolean;
  /** Group actions (edit, delete) shown beside "Add a question". */
  groupActions?: ReactNode;
  /** A question was added, changed or deleted: the group's count changed. */
  onChanged: () => void;
}

function QuestionView({ item, canEdit, onEdit, onDelete }: { item: FaqItem; canEdit: boolean; onEdit: () => void; onDelete: () => void }) {
  return (
    <details className="card" data-testid={`faq-${item.id}`}>
      <summary style={{ cursor: "pointer", fontWeight: 600 }}>{item.question}</summary>
      <div className="stack" style={{ marginTop: "var(--space-3)" }}>
        <p style={{ whiteSpace: "pre-wrap" }}>{item.answer}</p>
        {item.simQuestions?.length ? (
          <div>
            <div className="field-label">Also asked as</div>
            <ul>
              {item.simQuestions.map((q, i) => (
                <li key={i}>{q.statement}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {item.simAnswers?.length ? (
          <div>
            <div className="field-label">Other answers</div>
            <ul>
              {item.simAnswers.map((a, i) => (
                <li key={i}>{a.statement}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {item.keywords?.length ? (
          <div className="tag-list" aria-label="Keywords">
            {item.keywords.map((k) => (
              <Badge key={k.w}>{k.w}</Badge>
            ))}
          </div>
        ) : null}
        {item.updateTime ? <span className="muted">Changed {formatMillis(item.updateTime)}</span> : null}
        {canEdit ? (
          <div className="row">
            <Button size="small" icon={<IconEdit />} onClick={onEdit} data-testid={`faq-edit-${item.id}`}>
              Edit question
            </Button>
            <Button size="small" variant="ghost" icon={<IconTrash />} onClick={onDelete} data-testid={`faq-delete-${item.id}`}>
              Delete question
            </Button>
          </div>
        ) : null}
      </div>
    </details>
  );
}

/** One group's questions; editors add, change and delete them (live for callers at once). */
export function QuestionsCard({ tenantId, group, canEdit, groupActions, onChanged }: Props) {
  const toast = useToast();
  const state = useApi((signal) => listFaqs(tenantId, group.id, signal), `faqs:${tenantId}:${group.id}`);
  const [editing, setEditing] = useState<FaqItem | "new" | null>(null);
  const [doomed, setDoomed] = useState<FaqItem | null>(null);
  const [deleteError, setDeleteError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const changed = () => {
    state.reload();
    onChanged();
  };

  const remove = async (item: FaqItem) => {
    setBusy(true);
    setDeleteError(null);
    try {
      await deleteFaq(group.id, item.id);
      toast.success(`Question deleted from ${group.name}.`);
      setDoomed(null);
      changed();
    } catch (cause) {
      setDeleteError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title={`Questions in ${group.name}`}
      testId="faq-questions"
      actions={
        <>
          {groupActions}
          {canEdit ? (
            <Button size="small" variant="primary" icon={<IconPlus />} onClick={() => setEditing("new")} data-testid="faq-add">
              Add a question
            </Button>
          ) : null}
        </>
      }
    >
      <div className="row" style={{ marginBottom: "var(--space-3)" }}>
        <Badge>{group.language}</Badge>
        {group.on ? <Badge tone="success">Active</Badge> : <Badge tone="warning">Inactive: callers are not answered from it</Badge>}
        {group.description ? <span className="muted">{group.description}</span> : null}
      </div>
      <ApiView state={state} loadingLabel="Loading questions…">
        {(items) =>
          items.length === 0 ? (
            <p className="muted">No questions in this group.</p>
          ) : (
            <div className="stack">
              {items.map((item) => (
                <QuestionView
                  key={item.id}
                  item={item}
                  canEdit={canEdit}
                  onEdit={() => setEditing(item)}
                  onDelete={() => {
                    setDeleteError(null);
                    setDoomed(item);
                  }}
                />
              ))}
            </div>
          )
        }
      </ApiView>
      {editing !== null ? (
        <QuestionDialog
          group={group}
          item={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            toast.success(editing === "new" ? `Question added to ${group.name}.` : "Question saved.");
            setEditing(null);
            changed();
          }}
        />
      ) : null}
      <ConfirmDialog
        open={doomed !== null}
        title="Delete this question?"
        confirmLabel="Delete question"
        danger
        busy={busy}
        onCancel={() => setDoomed(null)}
        onConfirm={() => doomed && remove(doomed)}
        testId="delete-faq-dialog"
      >
        {doomed ? (
          <>
            <p>
              “{doomed.question}” is deleted from <strong>{group.name}</strong>; callers no longer get its answer, from the next question on.
            </p>
            {deleteError ? <ErrorNotice error={deleteError} title="Nothing was deleted" /> : null}
          </>
        ) : null}
      </ConfirmDialog>
    </Card>
  );
}
