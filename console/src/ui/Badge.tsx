import type { ReactNode } from "react";

export type BadgeTone = "neutral" | "primary" | "success" | "warning" | "danger";

export function Badge({ tone = "neutral", children, title, testId }: { tone?: BadgeTone; children: ReactNode; title?: string; testId?: string }) {
  const cls = tone === "neutral" ? "badge" : `badge badge-${tone}`;
  return (
    <span className={cls} title={title} data-testid={testId}>
      {children}
    </span>
  );
}
