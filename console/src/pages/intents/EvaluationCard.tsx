import { useState } from "react";
import { evaluate } from "../../api/nlu";
import type { Evaluation } from "../../api/nlu";
import type { ApiError } from "../../api/client";
import { toApiError } from "../../lib/useApi";
import { percent } from "../../lib/format";
import { Badge, Button, Card, ErrorNotice, Loading, Notice, Table } from "../../ui";

/** Cross-validation figures per intent, weakest first, with the pairs it confuses. */
export function EvaluationCard({ domain }: { domain: string }) {
  const [result, setResult] = useState<Evaluation | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await evaluate(domain));
    } catch (cause) {
      setError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title="How well the examples separate the intents"
      testId="evaluation"
      actions={
        <Button size="small" busy={busy} onClick={run} data-testid="evaluate">
          {result ? "Evaluate again" : "Evaluate"}
        </Button>
      }
    >
      {!result && !error && !busy ? <p className="muted">Cross-validation of the examples as they are now (as `oiap nlu evaluate`). It takes some seconds.</p> : null}
      {busy && !result ? <Loading label="Cross-validating…" /> : null}
      {error ? <ErrorNotice error={error} title="The evaluation failed" /> : null}
      {result ? (
        <div className="stack" data-testid="evaluation-result">
          <p>
            Accuracy <strong>{percent(result.accuracy)}</strong> over {result.examples} examples, {result.folds} folds.
          </p>
          <Table
            caption="Per-intent figures"
            rows={result.intents}
            rowKey={(row) => row.code}
            columns={[
              { key: "code", header: "Intent", render: (row) => <code>{row.code}</code> },
              { key: "precision", header: "Precision", render: (row) => percent(row.precision) },
              { key: "recall", header: "Recall", render: (row) => percent(row.recall) },
              { key: "f1", header: "F1", render: (row) => <Badge tone={row.f1 >= 0.9 ? "success" : row.f1 >= 0.7 ? "warning" : "danger"}>{percent(row.f1)}</Badge> },
              { key: "support", header: "Held out", render: (row) => row.support },
              {
                key: "confused",
                header: "Taken for",
                render: (row) => {
                  const taken = result.confusable.filter((pair) => pair.expected === row.code);
                  return taken.length ? (
                    <span className="tag-list">
                      {taken.map((pair) => (
                        <Badge key={pair.predicted} tone="warning" title={`${pair.count} held-out examples of ${row.code} were taken for ${pair.predicted}`}>
                          {pair.predicted} ×{pair.count}
                        </Badge>
                      ))}
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  );
                },
              },
            ]}
          />
          {result.confusable.length ? (
            <div data-testid="confusable">
              <h3>Confusable pairs</h3>
              <Notice kind="warning">Callers saying these may get the wrong intent: add examples that tell each pair apart, or merge the intents.</Notice>
              <ul>
                {result.confusable.map((pair) => (
                  <li key={`${pair.expected}->${pair.predicted}`}>
                    <code>{pair.expected}</code> taken for <code>{pair.predicted}</code> ({pair.count} held-out {pair.count === 1 ? "example" : "examples"})
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="muted" data-testid="confusable-none">
              No held-out example was taken for another intent.
            </p>
          )}
          {result.duplicates.length ? (
            <div>
              <h3>Examples under several intents</h3>
              <ul>
                {result.duplicates.map((dup) => (
                  <li key={dup.text}>
                    “{dup.text}”: {dup.intents.join(", ")}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
