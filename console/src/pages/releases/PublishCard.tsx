import { useState } from "react";
import { getDraftDiff, NOTE_MAX, publish } from "../../api/versions";
import type { DraftDiff, Version } from "../../api/versions";
import { getFlow, getFlowVersion } from "../../api/flows";
import type { Flow } from "../../api/flows";
import type { ApiError } from "../../api/client";
import { toApiError } from "../../lib/useApi";
import { Button, Card, Dialog, ErrorNotice, IconRelease, Loading, TextAreaField, useToast } from "../../ui";
import { DiffView } from "./DiffView";
import { DiffGraphPanel } from "./DiffGraphPanel";

interface Review {
  diff: DraftDiff;
  draft: Flow;
  live?: Flow;
}

/** The diff with the two flows the graph draws; the live flow only adds removed nodes' looks. */
async function loadReview(code: string): Promise<Review> {
  const [diff, draft] = await Promise.all([getDraftDiff(code), getFlow(code)]);
  if (diff.version === null) return { diff, draft };
  const live = await getFlowVersion(code, diff.version).then(
    (version) => version.flow,
    () => undefined,
  );
  return { diff, draft, live };
}

/** Publish with a note, after the diff of the draft against the live version. */
export function PublishCard({ code, canRelease, onPublished }: { code: string; canRelease: boolean; onPublished: (version: Version) => void }) {
  const toast = useToast();
  const [note, setNote] = useState("");
  const [open, setOpen] = useState(false);
  const [review, setReview] = useState<Review | null>(null);
  const [diffError, setDiffError] = useState<ApiError | null>(null);
  const [publishError, setPublishError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const startReview = async () => {
    setOpen(true);
    setReview(null);
    setDiffError(null);
    setPublishError(null);
    try {
      setReview(await loadReview(code));
    } catch (cause) {
      setDiffError(toApiError(cause));
    }
  };

  const confirm = async () => {
    setBusy(true);
    setPublishError(null);
    try {
      const version = await publish(code, note);
      toast.success(`Published ${code} v${version.number}.`);
      setOpen(false);
      setNote("");
      onPublished(version);
    } catch (cause) {
      setPublishError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Publish the draft" testId="publish-card">
      <div className="stack">
        <TextAreaField
          label="Release note"
          hint="What changed and why; it is shown with the version."
          value={note}
          maxLength={NOTE_MAX}
          rows={3}
          disabled={!canRelease}
          onChange={(event) => setNote(event.target.value)}
          data-testid="publish-note"
        />
        <div className="row">
          <Button variant="primary" icon={<IconRelease />} onClick={startReview} disabled={!canRelease} data-testid="publish-review">
            Review changes and publish
          </Button>
          {!canRelease ? <span className="muted" data-testid="publish-not-allowed">Publishing needs the admin role.</span> : null}
        </div>
      </div>
      <Dialog
        open={open}
        wide
        title={`Publish ${code}`}
        onClose={() => setOpen(false)}
        testId="publish-dialog"
        footer={
          <>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button variant="primary" busy={busy} disabled={!review} onClick={confirm} data-testid="publish-confirm">
              Publish
            </Button>
          </>
        }
      >
        {diffError ? <ErrorNotice error={diffError} title="The diff could not be computed" onRetry={startReview} /> : null}
        {!review && !diffError ? <Loading label="Comparing the draft with the live version…" /> : null}
        {review ? (
          <>
            <DiffGraphPanel diff={review.diff} draft={review.draft} live={review.live} />
            <h3>As bot-folder YAML</h3>
            <DiffView diff={review.diff} />
          </>
        ) : null}
        {note.trim() ? (
          <p>
            <strong>Note:</strong> {note.trim()}
          </p>
        ) : (
          <p className="muted">No release note.</p>
        )}
        {publishError ? <ErrorNotice error={publishError} title="The draft was not published" /> : null}
      </Dialog>
    </Card>
  );
}
