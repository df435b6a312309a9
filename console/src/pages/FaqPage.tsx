import { useState } from "react";
import { listFaqGroups, listFaqs } from "../api/bots";
import type { FaqGroup } from "../api/bots";
import { useApi } from "../lib/useApi";
import { formatMillis } from "../lib/format";
import { useSession } from "../session/SessionContext";
import { ApiView, Badge, Card, Notice, Page, PageHeader } from "../ui";

function Questions({ tenantId, group }: { tenantId: string; group: FaqGroup }) {
  const state = useApi((signal) => listFaqs(tenantId, group.id, signal), `faqs:${tenantId}:${group.id}`);
  return (
    <Card title={`Questions in ${group.name}`} testId="faq-questions">
      {group.description ? <p className="muted">{group.description}</p> : null}
      <ApiView state={state} loadingLabel="Loading questions…">
        {(items) =>
          items.length === 0 ? (
            <p className="muted">No questions in this group.</p>
          ) : (
            <div className="stack">
              {items.map((item) => (
                <details key={item.id} className="card" data-testid={`faq-${item.id}`}>
                  <summary style={{ cursor: "pointer", fontWeight: 600 }}>{item.question}</summary>
                  <div className="stack" style={{ marginTop: "var(--space-3)" }}>
                    <p style={{ whiteSpace: "pre-wrap" }}>{item.answer}</p>
                    {item.simQuestions?.length ? (
                      <div>
                        <div className="field-label">Also asked as</div>
                        <ul>
                          {item.simQuestions.map((q, i) => (
                            <li key={i}>{q.content}</li>
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
                  </div>
                </details>
              ))}
            </div>
          )
        }
      </ApiView>
    </Card>
  );
}

/** Q&A groups and their questions (read only; they change through the spec §9 interfaces). */
export function FaqPage() {
  const session = useSession();
  const tenantId = session.tenantId ?? "";
  const state = useApi((signal) => listFaqGroups(tenantId, signal), `faq-groups:${tenantId}`);
  const [pickedId, setPickedId] = useState<number | null>(null);

  return (
    <Page testId="faq-page">
      <PageHeader title="FAQ" description="Q&A groups and their questions. Active groups answer callers at once, with no publish." />
      <ApiView state={state}>
        {(groups) => {
          if (groups.length === 0) return <Notice>No Q&A groups yet.</Notice>;
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
              <Questions key={picked.id} tenantId={tenantId} group={picked} />
            </div>
          );
        }}
      </ApiView>
    </Page>
  );
}
