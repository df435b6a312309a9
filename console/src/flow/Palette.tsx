// The node kinds an author can add; a new node hangs from the selected node when there is one.
import { NODE_KINDS, type NodeKind } from "../api/flows";
import { KindIcon } from "./KindIcon";
import { KINDS } from "./model/kinds";

export function Palette({ onAdd, after }: { onAdd: (kind: NodeKind) => void; after: string | null }) {
  return (
    <nav className="flow-palette" aria-label="Add a node" data-testid="palette">
      <h2 className="flow-panel-title">Add</h2>
      <p className="muted flow-palette-hint">{after ? `after ${after}` : "unconnected"}</p>
      <ul>
        {NODE_KINDS.filter((k) => k !== "start").map((kind) => (
          <li key={kind}>
            <button
              type="button"
              className="flow-palette-item"
              style={{ ["--flow-hue" as string]: KINDS[kind].hue }}
              onClick={() => onAdd(kind)}
              title={KINDS[kind].help}
              data-testid={`palette-${kind}`}
              aria-label={`Add ${KINDS[kind].title} node${after ? ` after ${after}` : ""}`}
            >
              <span className="flow-node-icon">
                <KindIcon kind={kind} />
              </span>
              {KINDS[kind].title}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
