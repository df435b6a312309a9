import { useState } from "react";
import { deleteFaqGroup, listFaqGroups } from "../api/bots";
import type { FaqGroup } from "../api/bots";
import type { ApiError } from "../api/client";
import { toApiError, useApi } from "../lib/useApi";
import { useSession } from "../session/SessionContext";
import { ApiView, Button, Card, ConfirmDialog, ErrorNotice, IconEdit, IconPlus, IconTrash, Notice, Page, PageHeader, useToast } from "../ui";
import { GroupDialog } from "./faq/GroupDialog";
import { QuestionsCard } from "./faq/QuestionsCard";

/** Q&A groups and their questions; editors change them, and callers get the change at once. */
export function FaqPage() {
  const session = useSession();
  const toast = useToast();
  const canEdit = session.can("edit");
  const tenantId = session.tenantId ?? "";
  const state = useApi((signal) => listFaqGroups(tenantId, signal), `faq-groups:${tenantId}`);
  const [pickedId, setPickedId] = useState<number | null>(null);
  const [editing, setEditing] = useState<FaqGroup | "new" | null>(null);
  const [doomed, setDoomed] = useState<FaqGroup | null>(null);
  const [deleteError, setDeleteError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const removeGroup = async (group: FaqGroup) => {
    setBusy(true);
    setDeleteError(null);
    try {
      await deleteFaqGroup(group.id);
      toast.success(`Group ${group.name} deleted with its questions.`);
      setDoomed(null);
      setPickedId(null);
      state.reload();
    } catch (cause) {
      setDeleteError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page testId="faq-page">
      <PageHeader
        title="FAQ"
        description="Q&A groups and their questions. Changes to active groups answer callers at once, with no publish."
        actions={
          canEdit ? (
            <Button variant="primary" icon={<IconPlus />} onClick={() => setEditing("new")} data-testid="faq-group-new">
              New group
            </Button>
          ) : null
        }
      />
      <ApiView state={state}>
        {(groups) => {
          if (groups.length === 0) return <Notice>No Q&A groups yet.{canEdit ? " Create one with “New group”." : ""}</Notice>;
          const picked = groups.find((g) => g.id === pickedId) ?? groups[0];
          return (
            <div style={{ display: "grid", gridTemplateColumns: "300px minmax(0, 1fr)", gap: "var(--space-4)", alignItems: "start" }}>
              <Card title="Groups" testId="faq-groups">
                <ul className="list-plain stack" role="list">
                  {groups.map((group) => (
                    <li key={group.id}>
                      <button
                        type="button"
                        className={`btn ${group.id === picked.id ? "btn-primary" : "btn-ghost"}`}
                        style={{ width: "100%", justifyContent: "space-between" }}
                        aria-pressed={group.id === picked.id}
                        onClick={() => setPickedId(group.id)}
                        data-testid={`faq-group-${group.id}`}
                      >
                        <span>{group.name}</span>
                        <span className="row">
                          <span>{group.amount ?? ""}</span>
                          {group.on ? null : <span>(off)</span>}
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
              </Card>
              <QuestionsCard
                key={picked.id}
                tenantId={tenantId}
                group={picked}
                canEdit={canEdit}
                onChanged={state.reload}
                groupActions={
                  canEdit ? (
                    <>
                      <Button size="small" icon={<IconEdit />} onClick={() => setEditing(picked)} data-testid="faq-group-edit">
                        Edit group
                      </Button>
                      <Button
                        size="small"
                        variant="ghost"
                        icon={<IconTrash />}
                        onClick={() => {
                          setDeleteError(null);
                          setDoomed(picked);
                        }}
                        data-testid="faq-group-delete"
                      >
                        Delete group
                      </Button>
                    </>
                  ) : null
                }
              />
            </div>
          );
        }}
      </ApiView>
      {editing !== null ? (
        <GroupDialog
          group={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            toast.success(editing === "new" ? `Group ${saved.name} created.` : `Group ${saved.name} saved.`);
            setEditing(null);
            setPickedId(saved.id);
            state.reload();
          }}
        />
      ) : null}
      <ConfirmDialog
        open={doomed !== null}
        title={doomed ? `Delete group ${doomed.name}?` : ""}
        confirmLabel="Delete group"
        danger
        busy={busy}
        onCancel={() => setDoomed(null)}
        onConfirm={() => doomed && removeGroup(doomed)}
        testId="delete-faq-group-dialog"
      >
        {doomed ? (
          <>
            <p>
              The group is deleted with {doomed.amount === undefined ? "its questions" : doomed.amount === 1 ? "its one question" : `its ${doomed.amount} questions`}. Callers are no longer answered from it, and a Q&A node
              that names it fails the publishing checks.
            </p>
            {deleteError ? <ErrorNotice error={deleteError} title="Nothing was deleted" /> : null}
          </>
        ) : null}
      </ConfirmDialog>
    </Page>
  );
}
