import type { DraftDiff } from "../../api/versions";
import { diffLines, diffStats } from "../../lib/diff";
import { Badge, Notice } from "../../ui";

const CLASS = { add: "diff-line diff-add", del: "diff-line diff-del", hunk: "diff-line diff-hunk", meta: "diff-line muted", same: "diff-line" };

/** The draft against the live version as bot-folder YAML (DiffGraphPanel draws it on the graph). */
export function DiffView({ diff }: { diff: DraftDiff }) {
  const lines = diffLines(diff.yaml.unified);
  const stats = diffStats(lines);
  const { added, removed, changed } = diff.nodes;
  return (
    <div className="stack" data-testid="draft-diff">
      <div className="row">
        <span>{diff.version === null ? "Nothing is published yet: the whole draft is new." : `Draft against live version v${diff.version}:`}</span>
        <Badge tone="success">+{stats.added}</Badge>
        <Badge tone="danger">−{stats.removed}</Badge>
      </div>
      {added.length || removed.length || changed.length ? (
        <dl className="kv" data-testid="diff-nodes">
          {added.length ? (
            <>
              <dt>Nodes added</dt>
              <dd className="tag-list">{added.map((id) => <Badge key={id} tone="success">{id}</Badge>)}</dd>
            </>
          ) : null}
          {removed.length ? (
            <>
              <dt>Nodes removed</dt>
              <dd className="tag-list">{removed.map((id) => <Badge key={id} tone="danger">{id}</Badge>)}</dd>
            </>
          ) : null}
          {changed.length ? (
            <>
              <dt>Nodes changed</dt>
              <dd className="tag-list">{changed.map((id) => <Badge key={id} tone="warning">{id}</Badge>)}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {lines.length === 0 ? (
        <Notice kind="info" testId="diff-empty">The draft equals the live version: publishing makes no new version.</Notice>
      ) : (
        <pre className="code-block" data-testid="diff-yaml" aria-label="YAML diff" tabIndex={0}>
          {lines.map((line, index) => (
            <span key={index} className={CLASS[line.kind]}>
              {line.text || " "}
              {"\n"}
            </span>
          ))}
        </pre>
      )}
    </div>
  );
}
