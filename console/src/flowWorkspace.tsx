import { Suspense, lazy } from "react";
import type { ComponentType } from "react";
import { Loading, Notice, Page, PageHeader } from "./ui";

// The flow workspace (graph, inspector, test call) lives in src/flow/ and is written
// separately; its page is src/flow/FlowWorkspacePage.tsx with a default export. The glob
// keeps the shell building while that file does not exist yet, and splits the graph
// libraries (React Flow, elkjs) into their own chunk.
const modules = import.meta.glob<{ default: ComponentType }>("./flow/FlowWorkspacePage.tsx");
const loader = modules["./flow/FlowWorkspacePage.tsx"];

function Missing() {
  return (
    <Page testId="flow-workspace-missing">
      <PageHeader title="Flow workspace" />
      <Notice kind="warning">The flow workspace is not part of this build.</Notice>
    </Page>
  );
}

const Workspace = loader ? lazy(loader) : Missing;

export function FlowWorkspaceRoute() {
  return (
    <Suspense fallback={<Loading label="Loading the flow workspace…" />}>
      <Workspace />
    </Suspense>
  );
}
