import { listJobs } from "../../api/metastudio";
import type { Dialog } from "../../api/metastudio";
import { formatTime } from "../../lib/format";
import { useApi } from "../../lib/useApi";
import { ApiView, Badge, Button, Card, IconRefresh, Table } from "../../ui";
import { formatDuration, jobStateTone } from "./logic";

/** The most recent jobs of one dialog, newest first. */
export function JobsCard({ projectId, dialog }: { projectId: string; dialog: Dialog }) {
  const state = useApi((signal) => listJobs(projectId, dialog.dialogId, signal), `ms-jobs:${projectId}:${dialog.dialogId}`);
  return (
    <Card
      title={`Jobs of ${dialog.name}`}
      testId="jobs-card"
      actions={
        <Button size="small" icon={<IconRefresh />} busy={state.loading && !!state.data} onClick={state.reload} data-testid="jobs-refresh">
          Refresh
        </Button>
      }
    >
      <ApiView state={state} loadingLabel="Loading jobs…">
        {(page) => (
          <>
            <Table
              caption={`Jobs of dialog ${dialog.name}`}
              testId="jobs-table"
              rows={page.items}
              rowKey={(job) => job.jobId}
              rowTestId={(job) => `job-row-${job.jobId}`}
              empty="No job has run in this dialog yet."
              columns={[
                { key: "id", header: "Job", render: (job) => <code>{job.jobId.slice(0, 12)}</code> },
                {
                  key: "state",
                  header: "State",
                  render: (job) => (
                    <Badge tone={jobStateTone(job.state)} testId={`job-state-${job.jobId}`}>
                      {job.state}
                    </Badge>
                  ),
                },
                { key: "start", header: "Started", render: (job) => formatTime(job.startTime) },
                { key: "duration", header: "Duration", render: (job) => formatDuration(job.duration) },
                {
                  key: "end",
                  header: "Ended",
                  render: (job) =>
                    job.error ? (
                      <span title={job.error.message ?? undefined}>
                        <code>{job.error.code}</code>
                      </span>
                    ) : job.endTime ? (
                      `${formatTime(job.endTime)}${job.finishReason ? ` (${job.finishReason.toLowerCase().replace("_", " ")})` : ""}`
                    ) : (
                      ""
                    ),
                },
              ]}
            />
            {page.total > page.items.length ? <p className="muted">The {page.items.length} most recent of {page.total} jobs.</p> : null}
          </>
        )}
      </ApiView>
    </Card>
  );
}
