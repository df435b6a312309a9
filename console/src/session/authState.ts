import { createContext, useContext } from "react";
import type { SessionAnswer } from "../api/session";

export type AuthStatus = "checking" | "signedOut" | "signedIn";

export interface AuthValue {
  status: AuthStatus;
  session: SessionAnswer | null;
  /** Why the user was sent to sign-in (e.g. the session expired), shown there once. */
  reason: string | null;
  signedIn: (session: SessionAnswer) => void;
  signedOut: (reason?: string | null) => void;
}

export const AuthContext = createContext<AuthValue | null>(null);

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
