// One small line icon per node kind, drawn inline (nothing loads from outside).
import type { ReactNode } from "react";

const PATHS: Record<string, ReactNode> = {
  start: <path d="M8 5v14l11-7z" />,
  reply: <path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />,
  playback: <path d="M11 5 6 9H2v6h4l5 4zM15.5 8.5a5 5 0 0 1 0 7M19 5a10 10 0 0 1 0 14" />,
  collect: <path d="M4 4h4v4H4zM10 4h4v4h-4zM16 4h4v4h-4zM4 10h4v4H4zM10 10h4v4h-4zM16 10h4v4h-4zM10 16h4v4h-4z" />,
  menu: <path d="M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01" />,
  recognize: <path d="M12 2a3 3 0 0 1 3 3v6a3 3 0 0 1-6 0V5a3 3 0 0 1 3-3zM19 10v1a7 7 0 0 1-14 0v-1M12 18v4" />,
  judge: <path d="M12 2 22 12 12 22 2 12z" />,
  assign: <path d="M5 9h14M5 15h14" />,
  invoke: <path d="M16 18l6-6-6-6M8 6l-6 6 6 6" />,
  transfer: <path d="M17 1l4 4-4 4M3 11V9a4 4 0 0 1 4-4h14M7 23l-4-4 4-4M21 13v2a4 4 0 0 1-4 4H3" />,
  subflow: <path d="M15 3h6v6M10 14 21 3M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6" />,
  query: <path d="M3 3v18h18M7 16v-4M12 16V8M17 16v-7" />,
  clear_errors: <path d="M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6" />,
  time: <path d="M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 6v6l4 2" />,
  qa: <path d="M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM9.1 9a3 3 0 0 1 5.8 1c0 2-3 3-3 3M12 17h.01" />,
  end: <path d="M6 6h12v12H6z" />,
};

const UNKNOWN = <path d="M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 8v4M12 16h.01" />;

export function KindIcon({ kind }: { kind: string }) {
  return (
    <svg
      className="flow-kind-icon"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[kind] ?? UNKNOWN}
    </svg>
  );
}
