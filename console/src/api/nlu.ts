import { api, seg } from "./client";

export interface Ranked {
  code: string;
  score: number;
}

export interface Prediction {
  intent: string;
  score?: number;
  threshold?: number;
  ranking: Ranked[];
  slots?: Record<string, string>;
  /** The flow (and its live version) the model was published with. */
  flow?: string;
  version?: number;
}

export interface IntentFigures {
  code: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  domain: string;
  folds: number;
  examples: number;
  accuracy: number;
  /** Weakest (lowest F1) first. */
  intents: IntentFigures[];
  confusable: { expected: string; predicted: string; count: number }[];
  duplicates: { text: string; intents: string[] }[];
}

/** "Try it": ranks an utterance with the domain's published model. */
export const predict = (domain: string, text: string) => api.post<Prediction>(`/domains/${seg(domain)}/predict`, { text });

export const evaluate = (domain: string, signal?: AbortSignal) => api.get<Evaluation>(`/domains/${seg(domain)}/evaluation`, { signal });
