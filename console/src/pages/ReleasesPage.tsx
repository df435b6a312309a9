import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { getRouting, listVersions, putRouting } from "../api/versions";
import type { Routing, Version } from "../api/versions";
import type { ApiError } from "../api/client";
import { toApiError, useApi } from "../lib/useApi";
import { formatTime } from "../lib/format";
import { describeRule } from "../lib/grayRules";
import { paths } from "../paths";
import { useSession } from "../session/SessionContext";
import { ApiView, Badge, Button, Card, ConfirmDialog, ErrorNotice, Page, PageHeader, Table, useToast } from "../ui";
import { PublishCard } from "./releases/PublishCard";
import { GrayRulesCard } from "./releases/GrayRulesCard";

interface Releases {
  versions: Version[];
  routing: Routing;
}

async function loadReleases(code: string, signal: AbortSignal): Promise<Releases> {
  const [versions, routing] = await Promise.all([listVersions(code, signal), getRouting(code, signal)]);
  return { versions: [...versions].sort((a, b) => b.number - a.number), routing };
}

/** Versions with author, time and note; publish; gray rules; rollback to any version. */
export function ReleasesPage() {
  const { code = "" } = useParams<{ code: string }>();
  const session = useSession();
  const toast = useToast();
  const canRelease = session.can("release");
  const state = useApi((signal) => loadReleases(code, signal), `releases:${session.tenantId}:${code}`);
  const [target, setTarget] = useState<Version | null>(null);
  const [rollbackError, setRollbackError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const makeLive = async (releases: Releases, version: Version) => {
    setBusy(true);
    setRollbackError(null);
    try {
      // The default version takes every call no rule names, so its own gray rule goes.
      const gray = releases.routing.gray.filter((rule) => rule.version !== version.number);
      await putRouting(code, { default: version.number, gray });
      toast.success(`${code}: v${version.number} is live; the next new call runs it.`);
      setTarget(null);
      state.reload();
    } catch (cause) {
      setRollbackError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page testId="releases-page">
      <PageHeader
        breadcrumb={
          <>
            <Link to={paths.glance}>Bots</Link> / <Link to={paths.flow(code)}>{code}</Link> / Releases
          </>
        }
        title={`Releases of ${code}`}
        description="Every published version, which one callers get, and the gray rules that send some callers to another."
        actions={
          <Link to={paths.flow(code)} className="btn" data-testid="open-workspace">
            Open the flow
          </Link>
        }
      />
      <PublishCard code={code} canRelease={canRelease} onPublished={state.reload} />
      <ApiView state={state} loadingLabel="Loading versions…">
        {(releases) => (
          <>
            <Card title="Versions" testId="versions-card">
              <Table
                caption={`Published versions of ${code}`}
                testId="versions-table"
                rows={releases.versions}
                rowKey={(version) => String(version.number)}
                rowTestId={(version) => `version-row-${version.number}`}
                empty="Nothing published yet."
                columns={[
                  {
                    key: "number",
                    header: "Version",
                    render: (version) => (
                      <span className="row">
                        <strong>v{version.number}</strong>
                        {version.number === releases.routing.default ? (
                          <Badge tone="success" testId={`version-live-${version.number}`}>
                            Live
                          </Badge>
                        ) : null}
                        {version.gray ? (
                          <Badge tone="primary" title={describeRule(version.gray, 10)}>
                            Gray
                          </Badge>
                        ) : null}
                      </span>
                    ),
                  },
                  { key: "time", header: "Published", render: (version) => formatTime(version.published_at) },
                  { key: "author", header: "By", render: (version) => version.published_by ?? <span className="muted">unknown</span> },
                  { key: "note", header: "Note", render: (version) => (version.note ? version.note : <span className="muted">—</span>) },
                  {
                    key: "actions",
                    header: <span className="visually-hidden">Actions</span>,
                    className: "actions",
                    render: (version) =>
                      canRelease && version.number !== releases.routing.default ? (
                        <Button
                          size="small"
                          onClick={() => {
                            setRollbackError(null);
                            setTarget(version);
                          }}
                          data-testid={`make-live-${version.number}`}
                        >
                          {releases.routing.default !== null && version.number < releases.routing.default ? `Roll back to v${version.number}` : `Make v${version.number} live`}
                        </Button>
                      ) : null,
                  },
                ]}
              />
            </Card>
            <GrayRulesCard
              key={JSON.stringify(releases.routing)}
              code={code}
              routing={releases.routing}
              versions={releases.versions}
              canRelease={canRelease}
              onSaved={state.reload}
            />
            <ConfirmDialog
              open={target !== null}
              title={target ? `Make v${target.number} live?` : ""}
              confirmLabel={target ? `Make v${target.number} live` : "Confirm"}
              danger
              busy={busy}
              onCancel={() => setTarget(null)}
              onConfirm={() => target && makeLive(releases, target)}
              testId="rollback-dialog"
            >
              {target ? (
                <>
                  <p>
                    Every new call to <strong>{code}</strong> that no gray rule names will run <strong>v{target.number}</strong> instead of v
                    {releases.routing.default}. Calls already running stay on their version.
                  </p>
                  {target.gray ? <p>The gray rule of v{target.number} is removed: the live version needs none.</p> : null}
                  {rollbackError ? <ErrorNotice error={rollbackError} title="Nothing changed" /> : null}
                </>
              ) : null}
            </ConfirmDialog>
          </>
        )}
      </ApiView>
    </Page>
  );
}
