import { createContext, useContext } from "react";
import type { SessionUser, Tenant } from "../api/session";
import type { Ability } from "./roles";

export interface SessionValue {
  user: SessionUser;
  /** The tenant the console acts for: the user's own, or the one a platform operator picked. */
  tenantId: string | null;
  tenants: Tenant[];
  setTenant: (tenantId: string | null) => void;
  can: (ability: Ability) => boolean;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

/** The signed-in user; only inside the app shell (after sign-in). */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside the signed-in shell");
  return value;
}

/** For components that may also render before sign-in. */
export function useOptionalSession(): SessionValue | null {
  return useContext(SessionContext);
}
