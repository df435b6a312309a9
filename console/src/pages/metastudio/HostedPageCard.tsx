import { useState } from "react";
import type { ApiError } from "../../api/client";
import { createActivationCode, createDialogUrl } from "../../api/metastudio";
import type { ActivationCode, Application, Dialog } from "../../api/metastudio";
import { formatTime } from "../../lib/format";
import { toApiError } from "../../lib/useApi";
import { Button, Card, ErrorNotice, Notice, SelectField, TextField } from "../../ui";
import { VALID_PERIOD_MAX, parseValidPeriod } from "./logic";

/** The hosted dialog page of a dialog and application: open it, mint an activation code. */
export function HostedPageCard({ projectId, dialogs, applications, canEdit }: { projectId: string; dialogs: Dialog[]; applications: Application[]; canEdit: boolean }) {
  const [pickedDialog, setDialogId] = useState("");
  const [pickedApplication, setApplicationId] = useState("");
  // The lists reload after an edit; a pick that is gone falls back to the first.
  const dialogId = dialogs.some((d) => d.dialogId === pickedDialog) ? pickedDialog : (dialogs[0]?.dialogId ?? "");
  const applicationId = applications.some((a) => a.applicationId === pickedApplication) ? pickedApplication : (applications[0]?.applicationId ?? "");
  const [days, setDays] = useState("7");
  const [url, setUrl] = useState<string | null>(null);
  const [code, setCode] = useState<ActivationCode | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<"url" | "code" | null>(null);
  const period = parseValidPeriod(days);
  const chosen = dialogId !== "" && applicationId !== "";

  const openPage = async () => {
    // Opened now, while the click still counts, so that no pop-up blocker stops it; the
    // address follows once the server has checked the dialog and the application.
    const tab = window.open("", "_blank");
    setBusy("url");
    setError(null);
    try {
      const answer = await createDialogUrl(projectId, dialogId, applicationId);
      setUrl(answer.url);
      if (tab) {
        tab.opener = null;
        tab.location.href = answer.url;
      }
    } catch (cause) {
      tab?.close();
      setError(toApiError(cause));
    } finally {
      setBusy(null);
    }
  };

  const newCode = async () => {
    if (!period.ok) return;
    setBusy("code");
    setError(null);
    try {
      setCode(await createActivationCode(projectId, dialogId, applicationId, period.value));
    } catch (cause) {
      setError(toApiError(cause));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card title="Hosted dialog page" testId="hosted-page-card">
      <p className="muted">
        A visitor opens the page, types an activation code and chats with the application in the dialog. Each visit is a job of the dialog and takes one of its units.
      </p>
      {dialogs.length === 0 || applications.length === 0 ? (
        <Notice testId="hosted-page-needs">Create a dialog and an application first.</Notice>
      ) : (
        <div className="stack">
          <div className="grid-2">
            <SelectField
              label="Dialog"
              value={dialogId}
              options={dialogs.map((d) => ({ value: d.dialogId, label: d.concurrency === null ? `${d.name} (no concurrency)` : d.name }))}
              onChange={(e) => setDialogId(e.target.value)}
              data-testid="hosted-dialog"
            />
            <SelectField
              label="Application"
              value={applicationId}
              options={applications.map((a) => ({ value: a.applicationId, label: a.accessCode ? `${a.name} (${a.accessCode})` : a.name }))}
              onChange={(e) => setApplicationId(e.target.value)}
              data-testid="hosted-application"
            />
          </div>
          {canEdit ? (
            <>
              <div className="row">
                <Button variant="primary" busy={busy === "url"} disabled={!chosen} onClick={openPage} data-testid="open-hosted-page">
                  Open hosted page
                </Button>
              </div>
              {url ? (
                <p className="ms-url">
                  <a href={url} target="_blank" rel="noopener noreferrer" data-testid="hosted-page-url">
                    {url}
                  </a>
                </p>
              ) : null}
              <div className="row ms-code-row">
                <div className="ms-days">
                  <TextField
                    label="Valid for (days; 0 = never expires)"
                    hint={`At most ${VALID_PERIOD_MAX} days.`}
                    inputMode="numeric"
                    value={days}
                    error={period.ok ? undefined : period.error}
                    onChange={(e) => setDays(e.target.value)}
                    data-testid="activation-valid-period"
                  />
                </div>
                <Button busy={busy === "code"} disabled={!chosen || !period.ok} onClick={newCode} data-testid="new-activation-code">
                  New activation code
                </Button>
              </div>
              {code ? (
                <div className="ms-code" data-testid="activation-code-result">
                  <span className="muted">Activation code</span>
                  <output className="ms-code-value" data-testid="activation-code" aria-label="Activation code">
                    {code.activationCode}
                  </output>
                  <span className="muted">{code.expireTime ? `valid until ${formatTime(code.expireTime)}` : "never expires"}</span>
                </div>
              ) : null}
            </>
          ) : (
            <Notice testId="hosted-page-not-allowed">Opening the page and new activation codes need the editor role.</Notice>
          )}
          {error ? <ErrorNotice error={error} title="The hosted page could not be prepared" /> : null}
        </div>
      )}
    </Card>
  );
}
