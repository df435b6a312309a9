// Published versions of a flow, publishing with a note, routing (default version and gray
// rules) and the diff of the draft against the live version.
import { api, listAll, seg } from "./client";

export interface GrayRule {
  version: number;
  numbers: string[];
  prefixes: string[];
}

export interface Version {
  number: number;
  default: boolean;
  /** Absent when the version has no gray rule. */
  gray?: { numbers: string[]; prefixes: string[] } | null;
  published_at: string;
  published_by?: string | null;
  note?: string | null;
}

export interface Routing {
  default: number | null;
  gray: GrayRule[];
  /** Only with ?calling_number=: the version that number would get. */
  selected?: number | null;
}

export interface DraftDiff {
  /** The live version compared against; null when nothing is published yet. */
  version: number | null;
  yaml: { before: string; after: string; unified: string };
  nodes: { added: string[]; removed: string[]; changed: string[] };
}

/** The longest note a version may carry (services/flow_publishing.NOTE_MAX). */
export const NOTE_MAX = 1024;

const flowPath = (code: string) => `/flows/${seg(code)}`;

export const listVersions = (code: string, signal?: AbortSignal) => listAll<Version>(`${flowPath(code)}/versions`, signal);

/** Publishes the draft; 201 a new version, 200 the latest one when nothing changed. */
export const publish = (code: string, note: string) =>
  api.post<Version>(`${flowPath(code)}/publish`, note.trim() ? { note: note.trim() } : {});

export const getRouting = (code: string, signal?: AbortSignal) => api.get<Routing>(`${flowPath(code)}/routing`, { signal });

export const routeNumber = (code: string, callingNumber: string, signal?: AbortSignal) =>
  api.get<Routing>(`${flowPath(code)}/routing`, { query: { calling_number: callingNumber }, signal });

export const putRouting = (code: string, routing: { default: number; gray: GrayRule[] }) =>
  api.put<Routing>(`${flowPath(code)}/routing`, routing);

export const getDraftDiff = (code: string, signal?: AbortSignal) => api.get<DraftDiff>(`${flowPath(code)}/diff`, { signal });
