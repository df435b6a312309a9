export type DiffLineKind = "add" | "del" | "hunk" | "meta" | "same";

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

/** Classifies the lines of a unified diff for display. */
export function diffLines(unified: string): DiffLine[] {
  if (!unified) return [];
  const lines = unified.replace(/\n$/, "").split("\n");
  return lines.map((text) => {
    if (text.startsWith("+++") || text.startsWith("---")) return { kind: "meta", text };
    if (text.startsWith("@@")) return { kind: "hunk", text };
    if (text.startsWith("+")) return { kind: "add", text };
    if (text.startsWith("-")) return { kind: "del", text };
    return { kind: "same", text };
  });
}

export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  return {
    added: lines.filter((line) => line.kind === "add").length,
    removed: lines.filter((line) => line.kind === "del").length,
  };
}
