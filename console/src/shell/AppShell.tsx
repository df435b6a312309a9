import { useCallback, useEffect, useMemo, useState } from "react";
import { Link, NavLink, Navigate, Outlet, useLocation } from "react-router-dom";
import { setTenantId } from "../api/client";
import { listTenants, signOut as endSession } from "../api/session";
import type { Tenant } from "../api/session";
import { useAuth } from "../session/authState";
import { SessionContext } from "../session/SessionContext";
import type { SessionValue } from "../session/SessionContext";
import { ROLE_LABEL, can } from "../session/roles";
import { paths } from "../paths";
import { toApiError } from "../lib/useApi";
import type { ApiError } from "../api/client";
import {
  Badge,
  Button,
  ErrorNotice,
  IconBots,
  IconFaq,
  IconFlow,
  IconIntent,
  IconLogo,
  IconPhone,
  IconRefresh,
  IconSignOut,
  IconUsers,
  Loading,
  Notice,
  SelectField,
  ThemeToggle,
  useToast,
} from "../ui";
import { storeTenant, storedTenant } from "./tenantChoice";
import { IconMetaStudio } from "../pages/metastudio/IconMetaStudio";
import { METASTUDIO_PATH } from "../pages/metastudio/logic";

const SIGNED_OUT = "You have signed out.";

const NAV = [
  { to: paths.glance, label: "Bots at a glance", icon: <IconBots />, end: true, testId: "nav-glance" },
  { to: paths.accessCodes, label: "Access codes", icon: <IconPhone />, testId: "nav-access-codes" },
  { to: paths.intents, label: "Intents", icon: <IconIntent />, testId: "nav-intents" },
  { to: paths.faq, label: "FAQ", icon: <IconFaq />, testId: "nav-faq" },
  { to: METASTUDIO_PATH, label: "MetaStudio", icon: <IconMetaStudio />, testId: "nav-metastudio" },
  { to: "/analytics", label: "Analytics", icon: <IconFlow />, testId: "nav-analytics" },
  { to: "/replay", label: "Replay calls", icon: <IconRefresh />, testId: "nav-replay", ability: "edit" as const },
  { to: paths.users, label: "Users", icon: <IconUsers />, testId: "nav-users", ability: "manageUsers" as const },
];

/** The signed-in frame: top bar (tenant, user, theme, sign out), navigation and the page. */
export function AppShell() {
  const auth = useAuth();
  const location = useLocation();
  if (auth.status === "checking") return <Loading label="Checking your session…" />;
  if (auth.status === "signedOut" || !auth.session) {
    // After signing out on purpose the next user starts at the overview; after an expired
    // session the same user comes back to where they were.
    if (auth.reason === SIGNED_OUT) return <Navigate to={paths.signIn} replace />;
    const next = location.pathname + location.search;
    return <Navigate to={`${paths.signIn}?next=${encodeURIComponent(next)}`} replace />;
  }
  return <SignedInShell />;
}

function SignedInShell() {
  const auth = useAuth();
  const toast = useToast();
  const user = auth.session!.user;
  const isPlatform = user.role === "platform";
  const [tenants, setTenants] = useState<Tenant[] | null>(null);
  const [tenantsError, setTenantsError] = useState<ApiError | null>(null);
  const [tenantId, setTenant] = useState<string | null>(() => (isPlatform ? storedTenant() : user.tenantId));
  const [signingOut, setSigningOut] = useState(false);

  // The client sends the picked tenant with every call; set it before any page loads.
  setTenantId(isPlatform ? tenantId : null);

  useEffect(() => {
    let live = true;
    listTenants().then(
      (items) => {
        if (!live) return;
        setTenants(items);
        if (isPlatform) {
          setTenant((current) => (current && items.some((t) => t.tenantId === current) ? current : (items[0]?.tenantId ?? null)));
        }
      },
      (cause: unknown) => {
        if (live) setTenantsError(toApiError(cause));
      },
    );
    return () => {
      live = false;
    };
  }, [isPlatform]);

  useEffect(() => {
    if (isPlatform) storeTenant(tenantId);
  }, [isPlatform, tenantId]);

  const signOut = useCallback(async () => {
    setSigningOut(true);
    try {
      await endSession();
      storeTenant(null);
      auth.signedOut(SIGNED_OUT);
    } catch (error) {
      toast.error(error);
      setSigningOut(false);
    }
  }, [auth, toast]);

  const value = useMemo<SessionValue>(
    () => ({
      user,
      tenantId,
      tenants: tenants ?? [],
      setTenant,
      can: (ability) => can(user.role, ability),
      signOut,
    }),
    [user, tenantId, tenants, signOut],
  );

  const tenantName = tenants?.find((t) => t.tenantId === tenantId)?.name;
  const needsTenant = isPlatform && !tenantId;

  return (
    <SessionContext.Provider value={value}>
      <a className="visually-hidden" href="#main">
        Skip to content
      </a>
      <div className="shell">
        <header className="topbar">
          <Link to={paths.glance} className="brand">
            <IconLogo />
            OpenOIAP console
          </Link>
          <div className="topbar-spacer" />
          {isPlatform ? (
            <div style={{ width: 240 }}>
              <SelectField
                label="Tenant"
                hideLabel
                data-testid="tenant-picker"
                value={tenantId ?? ""}
                placeholder={tenants === null ? "Loading tenants…" : "Pick a tenant"}
                options={(tenants ?? []).map((t) => ({ value: t.tenantId, label: t.name ? `${t.name} (${t.tenantId})` : t.tenantId }))}
                onChange={(event) => setTenant(event.target.value || null)}
              />
            </div>
          ) : tenantName || user.tenantId ? (
            <span className="muted" data-testid="tenant-name">
              {tenantName ?? user.tenantId}
            </span>
          ) : null}
          <div className="user-chip" data-testid="signed-in-user">
            <span data-testid="signed-in-name">{user.name}</span>
            <Badge tone="primary" testId="signed-in-role">
              {ROLE_LABEL[user.role]}
            </Badge>
          </div>
          <ThemeToggle />
          <Button variant="ghost" icon={<IconSignOut />} busy={signingOut} onClick={signOut} data-testid="sign-out">
            Sign out
          </Button>
        </header>
        <nav className="sidenav" aria-label="Main">
          <ul>
            {NAV.filter((item) => !item.ability || can(user.role, item.ability)).map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end} data-testid={item.testId}>
                  {item.icon}
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main className="main" id="main" tabIndex={-1}>
          {tenantsError && isPlatform ? <div className="page"><ErrorNotice error={tenantsError} title="The tenants could not be listed" /></div> : null}
          {needsTenant ? (
            tenants === null && !tenantsError ? (
              <Loading label="Loading tenants…" />
            ) : (
              <div className="page">
                <Notice kind="info" testId="pick-tenant">Pick a tenant in the top bar to see its bots.</Notice>
              </div>
            )
          ) : (
            // A new tenant remounts the page, so nothing of the previous one stays on screen.
            <Outlet key={tenantId ?? ""} />
          )}
        </main>
      </div>
    </SessionContext.Provider>
  );
}
