// Search for a node: Ctrl/Cmd+F or "/" focuses the box; Enter (or the arrows) centres the
// graph on the next match and selects it.
import { forwardRef, useState } from "react";
import type { FlowNode } from "../api/flows";
import { searchNodes } from "./model/search";

export interface SearchBoxProps {
  nodes: readonly FlowNode[];
  onMatches: (ids: string[]) => void;
  onGo: (id: string) => void;
}

export const SearchBox = forwardRef<HTMLInputElement, SearchBoxProps>(function SearchBox({ nodes, onMatches, onGo }, ref) {
  const [query, setQuery] = useState("");
  const [at, setAt] = useState(0);
  const [entered, setEntered] = useState(false);
  const matches = searchNodes(nodes, query);
  const go = (index: number) => {
    if (matches.length === 0) return;
    const i = ((index % matches.length) + matches.length) % matches.length;
    setAt(i);
    onGo(matches[i] as string);
  };
  return (
    <div className="flow-search" role="search">
      <label htmlFor="flow-search-input" className="visually-hidden">
        Search for a node (Ctrl+F or /)
      </label>
      <input
        id="flow-search-input"
        ref={ref}
        className="input"
        type="search"
        placeholder="Search nodes  ( / )"
        value={query}
        data-testid="node-search"
        aria-describedby="flow-search-count"
        onChange={(e) => {
          setQuery(e.target.value);
          setAt(0);
          setEntered(false);
          const found = searchNodes(nodes, e.target.value);
          onMatches(found);
          if (found[0]) onGo(found[0]);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            go(!entered ? at : e.shiftKey ? at - 1 : at + 1);
            setEntered(true);
          } else if (e.key === "ArrowDown") {
            e.preventDefault();
            go(at + 1);
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            go(at - 1);
          } else if (e.key === "Escape") {
            setQuery("");
            onMatches([]);
            (e.target as HTMLInputElement).blur();
          }
        }}
      />
      <span id="flow-search-count" className="muted flow-search-count" aria-live="polite">
        {query ? (matches.length ? `${at + 1}/${matches.length}` : "no match") : ""}
      </span>
    </div>
  );
});
