import { useState } from "react";
import type { FormEvent } from "react";
import { predict } from "../../api/nlu";
import type { Prediction } from "../../api/nlu";
import type { ApiError } from "../../api/client";
import { toApiError } from "../../lib/useApi";
import { percent } from "../../lib/format";
import { Badge, Button, Card, ErrorNotice, TextField } from "../../ui";

/** Type an utterance, see how the published model ranks the intents. */
export function TryIt({ domain }: { domain: string }) {
  const [text, setText] = useState("");
  const [result, setResult] = useState<Prediction | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await predict(domain, text.trim()));
    } catch (cause) {
      setResult(null);
      setError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Try it" testId="try-it">
      <form className="row" onSubmit={submit} aria-label={`Try the ${domain} model`} style={{ alignItems: "flex-end" }}>
        <div className="grow">
          <TextField label="What a caller says" placeholder="e.g. how much money do I have" value={text} onChange={(e) => setText(e.target.value)} maxLength={1000} data-testid="try-it-input" />
        </div>
        <Button type="submit" variant="primary" busy={busy} disabled={!text.trim()} data-testid="try-it-submit">
          Rank intents
        </Button>
      </form>
      {error ? (
        <div style={{ marginTop: "var(--space-3)" }}>
          <ErrorNotice error={error} title="The model could not answer" />
        </div>
      ) : null}
      {result ? (
        <div className="stack" style={{ marginTop: "var(--space-3)" }} data-testid="try-it-result">
          <div className="row">
            Recognised:{" "}
            <Badge tone={result.intent === "unknown" ? "warning" : "success"} testId="try-it-intent">
              {result.intent}
            </Badge>
            {result.score !== undefined ? <span className="muted">score {result.score.toFixed(3)}</span> : null}
            {result.threshold !== undefined ? <span className="muted">threshold {result.threshold}</span> : null}
            {result.flow ? (
              <span className="muted">
                model of {result.flow} v{result.version}
              </span>
            ) : null}
          </div>
          <table className="table" data-testid="try-it-ranking">
            <caption className="visually-hidden">Ranking</caption>
            <thead>
              <tr>
                <th scope="col">Intent</th>
                <th scope="col">Score</th>
                <th scope="col">
                  <span className="visually-hidden">Score bar</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {result.ranking.map((entry) => (
                <tr key={entry.code}>
                  <td>
                    <code>{entry.code}</code>
                  </td>
                  <td>{entry.score.toFixed(3)}</td>
                  <td style={{ width: "40%" }}>
                    <div className="score-bar" role="img" aria-label={percent(entry.score)}>
                      <span style={{ width: `${Math.max(0, Math.min(1, entry.score)) * 100}%` }} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.slots && Object.keys(result.slots).length ? (
            <dl className="kv">
              {Object.entries(result.slots).map(([name, value]) => (
                <div key={name} style={{ display: "contents" }}>
                  <dt>{name}</dt>
                  <dd>
                    <code>{value}</code>
                  </dd>
                </div>
              ))}
            </dl>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
