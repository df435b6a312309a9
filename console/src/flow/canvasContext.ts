// What graph nodes need from the canvas around them without carrying it in node data.
import { createContext, useContext } from "react";

export interface CanvasActions {
  /** Opens the flow a sub-flow node calls; absent where sub-flows cannot be opened. */
  openSubflow?: (code: string) => void;
  /** Prefix of the nodes' data-testid ("node-" in the workspace). */
  testIdPrefix: string;
}

export const CanvasContext = createContext<CanvasActions>({ testIdPrefix: "node-" });

export function useCanvasActions(): CanvasActions {
  return useContext(CanvasContext);
}
