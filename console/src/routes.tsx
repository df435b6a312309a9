import type { RouteObject } from "react-router-dom";
import { AppShell } from "./shell/AppShell";
import { FlowWorkspaceRoute } from "./flowWorkspace";
import { SignInPage } from "./pages/SignInPage";
import { GlancePage } from "./pages/GlancePage";
import { ReleasesPage } from "./pages/ReleasesPage";
import { AccessCodesPage } from "./pages/AccessCodesPage";
import { IntentsPage } from "./pages/IntentsPage";
import { FaqPage } from "./pages/FaqPage";
import { UsersPage } from "./pages/UsersPage";
import { MetaStudioPage } from "./pages/metastudio/MetaStudioPage";
import { AnalyticsPage } from "./pages/analytics/AnalyticsPage";
import { ReplayPage } from "./pages/replay/ReplayPage";
import { NotFoundPage } from "./pages/NotFoundPage";

/** Client routes, relative to the /console basename (console-contract.md). */
export const routes: RouteObject[] = [
  { path: "/sign-in", element: <SignInPage /> },
  {
    path: "/",
    element: <AppShell />,
    children: [
      { index: true, element: <GlancePage /> },
      { path: "flows/:code", element: <FlowWorkspaceRoute /> },
      { path: "flows/:code/releases", element: <ReleasesPage /> },
      { path: "access-codes", element: <AccessCodesPage /> },
      { path: "intents", element: <IntentsPage /> },
      { path: "faq", element: <FaqPage /> },
      { path: "users", element: <UsersPage /> },
      { path: "metastudio", element: <MetaStudioPage /> },
      { path: "analytics", element: <AnalyticsPage /> },
      { path: "replay", element: <ReplayPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
