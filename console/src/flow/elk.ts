// The layout engine for the browser: ELK in a web worker, so laying out a big flow never
// freezes the page. The worker script is bundled as an asset (nothing loads from outside).
import ElkConstructor, { type ELK } from "elkjs/lib/elk-api";
import workerUrl from "elkjs/lib/elk-worker.min.js?url";

let engine: ELK | null = null;

export function elkEngine(): ELK {
  engine ??= new ElkConstructor({ workerFactory: () => new Worker(workerUrl) });
  return engine;
}
