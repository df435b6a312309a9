import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { getProject, listApplications, listDialogs, listProjects } from "../../api/metastudio";
import type { Application, Dialog, Project } from "../../api/metastudio";
import { formatTime } from "../../lib/format";
import { useApi } from "../../lib/useApi";
import { useSession } from "../../session/SessionContext";
import { ApiView, Badge, Button, Card, IconEdit, IconPlus, Notice, Page, PageHeader, Table, useToast } from "../../ui";
import { ApplicationEditor, DialogEditor } from "./EditForms";
import { HostedPageCard } from "./HostedPageCard";
import { JobsCard } from "./JobsCard";
import { pickProject } from "./logic";
import "./metastudio.css";

/** MetaStudio: the tenant's projects, their dialogs and applications, jobs and the hosted page. */
export function MetaStudioPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const state = useApi(listProjects, `ms-projects:${session.tenantId}`);
  const open = (projectId: string) => setParams({ project: projectId });

  return (
    <Page testId="metastudio-page">
      <PageHeader
        title="MetaStudio"
        description="Interactive dialogs for the MetaStudio API: each project's dialogs (rooms), the applications that answer in them, their jobs and the hosted dialog page."
      />
      <ApiView state={state} loadingLabel="Loading projects…">
        {(projects) => {
          const current = pickProject(projects, params.get("project"));
          return projects.length === 0 || !current ? (
            <Notice testId="metastudio-no-projects">
              The tenant has no MetaStudio project yet. An operator creates one with <code>oiap project create NAME --tenant {session.tenantId ?? "TENANT_ID"}</code>.
            </Notice>
          ) : (
            <div className="stack">
              <ProjectsCard projects={projects} current={current} onOpen={open} />
              <ProjectView key={current.projectId} project={current} dialogParam={params.get("dialog")} onDialog={(dialogId) => setParams({ project: current.projectId, dialog: dialogId })} />
            </div>
          );
        }}
      </ApiView>
    </Page>
  );
}

function ProjectsCard({ projects, current, onOpen }: { projects: Project[]; current: Project; onOpen: (projectId: string) => void }) {
  return (
    <Card title="Projects" testId="metastudio-projects-card">
      <Table
        caption="MetaStudio projects"
        testId="metastudio-projects"
        rows={projects}
        rowKey={(p) => p.projectId}
        rowTestId={(p) => `project-row-${p.projectId}`}
        columns={[
          { key: "name", header: "Project", render: (p) => (p.projectId === current.projectId ? <strong>{p.name}</strong> : p.name) },
          { key: "id", header: "Project ID", render: (p) => <code>{p.projectId}</code> },
          { key: "ak", header: "Access key (AK)", render: (p) => <code>{p.accessKey}</code> },
          { key: "quota", header: "Quota", render: (p) => (p.quota === null ? <span className="muted">no limit</span> : p.quota) },
          {
            key: "open",
            header: <span className="visually-hidden">Actions</span>,
            className: "actions",
            render: (p) =>
              p.projectId === current.projectId ? (
                <Badge tone="primary">Open</Badge>
              ) : (
                <Button size="small" aria-label={`Open project ${p.name}`} onClick={() => onOpen(p.projectId)} data-testid={`project-open-${p.projectId}`}>
                  Open
                </Button>
              ),
          },
        ]}
      />
    </Card>
  );
}

async function loadProject(projectId: string, signal: AbortSignal) {
  const [detail, dialogs, applications] = await Promise.all([getProject(projectId, signal), listDialogs(projectId, signal), listApplications(projectId, signal)]);
  return { detail, dialogs, applications };
}

type Editing = { kind: "dialog"; dialog: Dialog | null } | { kind: "application"; application: Application | null } | null;

function ProjectView({ project, dialogParam, onDialog }: { project: Project; dialogParam: string | null; onDialog: (dialogId: string) => void }) {
  const session = useSession();
  const toast = useToast();
  const canEdit = session.can("edit");
  const state = useApi((signal) => loadProject(project.projectId, signal), `ms-project:${project.projectId}`);
  const [editing, setEditing] = useState<Editing>(null);
  const saved = (message: string) => {
    toast.success(message);
    setEditing(null);
    state.reload();
  };

  return (
    <div className="stack" data-testid="project-view">
      <ApiView state={state} loadingLabel="Loading the project…">
        {({ detail, dialogs, applications }) => {
          const jobsOf = dialogs.find((d) => d.dialogId === dialogParam) ?? dialogs[0];
          const appName = (id: string | null) => applications.find((a) => a.applicationId === id)?.name ?? id;
          return (
            <>
              <p className="muted" data-testid="project-quota">
                {detail.name}: {detail.dialogs} dialog{detail.dialogs === 1 ? "" : "s"} reserving {detail.allocatedConcurrency} unit{detail.allocatedConcurrency === 1 ? "" : "s"}
                {detail.quota === null ? " (no project quota)" : ` of a quota of ${detail.quota}`}.
              </p>
              <div className="grid-2 ms-grid">
                <Card
                  title="Dialogs"
                  testId="dialogs-card"
                  actions={
                    canEdit ? (
                      <Button size="small" variant="primary" icon={<IconPlus />} onClick={() => setEditing({ kind: "dialog", dialog: null })} data-testid="dialog-new">
                        New dialog
                      </Button>
                    ) : null
                  }
                >
                  <Table
                    caption="Dialogs of the project"
                    testId="dialogs-table"
                    rows={dialogs}
                    rowKey={(d) => d.dialogId}
                    rowTestId={(d) => `dialog-row-${d.dialogId}`}
                    empty="No dialog yet."
                    columns={[
                      {
                        key: "name",
                        header: "Dialog",
                        render: (d) => (
                          <span className="ms-name">
                            {d.name}
                            {d.description ? <span className="muted">{d.description}</span> : null}
                          </span>
                        ),
                      },
                      {
                        key: "concurrency",
                        header: "Concurrency",
                        render: (d) =>
                          d.concurrency === null ? (
                            <Badge tone="warning" title="No job can start until a concurrency is set" testId={`dialog-concurrency-${d.dialogId}`}>
                              not set
                            </Badge>
                          ) : (
                            <span data-testid={`dialog-concurrency-${d.dialogId}`}>{d.concurrency}</span>
                          ),
                      },
                      { key: "last", header: "Last job", render: (d) => (d.lastJobStart ? formatTime(d.lastJobStart) : <span className="muted">never</span>) },
                      {
                        key: "actions",
                        header: <span className="visually-hidden">Actions</span>,
                        className: "actions",
                        render: (d) => (
                          <span className="row-end">
                            <Button size="small" variant="ghost" aria-label={`Jobs of ${d.name}`} aria-pressed={jobsOf?.dialogId === d.dialogId} onClick={() => onDialog(d.dialogId)} data-testid={`dialog-jobs-${d.dialogId}`}>
                              Jobs
                            </Button>
                            {canEdit ? (
                              <Button size="small" icon={<IconEdit />} aria-label={`Change dialog ${d.name}`} onClick={() => setEditing({ kind: "dialog", dialog: d })} data-testid={`dialog-edit-${d.dialogId}`}>
                                Edit
                              </Button>
                            ) : null}
                          </span>
                        ),
                      },
                    ]}
                  />
                </Card>
                <Card
                  title="Applications"
                  testId="applications-card"
                  actions={
                    canEdit ? (
                      <Button size="small" variant="primary" icon={<IconPlus />} onClick={() => setEditing({ kind: "application", application: null })} data-testid="application-new">
                        New application
                      </Button>
                    ) : null
                  }
                >
                  <Table
                    caption="Applications of the project"
                    testId="applications-table"
                    rows={applications}
                    rowKey={(a) => a.applicationId}
                    rowTestId={(a) => `application-row-${a.applicationId}`}
                    empty="No application yet."
                    columns={[
                      { key: "name", header: "Application", render: (a) => a.name },
                      { key: "type", header: "Type", render: (a) => <span title={`app_type ${a.appType}`}>{a.appTypeName}</span> },
                      {
                        key: "code",
                        header: "Access code",
                        render: (a) =>
                          a.accessCode === null ? (
                            <span className="muted">—</span>
                          ) : (
                            <span className="row" data-testid={`application-access-code-${a.applicationId}`}>
                              <code>{a.accessCode}</code>
                              {a.accessCodeBound === false ? (
                                <Badge tone="danger" title="Not bound in the tenant: jobs cannot start">
                                  not bound
                                </Badge>
                              ) : null}
                            </span>
                          ),
                      },
                      {
                        key: "actions",
                        header: <span className="visually-hidden">Actions</span>,
                        className: "actions",
                        render: (a) =>
                          canEdit ? (
                            <Button size="small" icon={<IconEdit />} aria-label={`Change application ${a.name}`} onClick={() => setEditing({ kind: "application", application: a })} data-testid={`application-edit-${a.applicationId}`}>
                              Edit
                            </Button>
                          ) : null,
                      },
                    ]}
                  />
                </Card>
              </div>
              <HostedPageCard projectId={project.projectId} dialogs={dialogs} applications={applications} canEdit={canEdit} />
              {jobsOf ? <JobsCard projectId={project.projectId} dialog={jobsOf} /> : null}
              {jobsOf?.applicationId ? <p className="muted">Legacy job starts in {jobsOf.name} use application {appName(jobsOf.applicationId)}.</p> : null}
              {editing?.kind === "dialog" ? (
                <DialogEditor projectId={project.projectId} dialog={editing.dialog} onClose={() => setEditing(null)} onSaved={(d) => saved(`Dialog ${d.name} saved.`)} />
              ) : null}
              {editing?.kind === "application" ? (
                <ApplicationEditor projectId={project.projectId} application={editing.application} onClose={() => setEditing(null)} onSaved={(a) => saved(`Application ${a.name} saved.`)} />
              ) : null}
            </>
          );
        }}
      </ApiView>
    </div>
  );
}
