/** Examples typed one per line: trimmed, blanks and repeats dropped, order kept. */
export function parseExamples(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const example = line.trim();
    if (example && !seen.has(example)) {
      seen.add(example);
      out.push(example);
    }
  }
  return out;
}

export const formatExamples = (examples: readonly string[]): string => examples.join("\n");
