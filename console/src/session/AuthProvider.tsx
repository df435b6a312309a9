import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";
import { onUnauthorized, setCsrfToken, setTenantId } from "../api/client";
import { currentSession } from "../api/session";
import type { SessionAnswer } from "../api/session";
import { AuthContext } from "./authState";
import type { AuthStatus, AuthValue } from "./authState";

/** Holds who is signed in; asks the server once at start (the cookie is HttpOnly). */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus>("checking");
  const [session, setSession] = useState<SessionAnswer | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const statusRef = useRef<AuthStatus>("checking");
  useEffect(() => {
    statusRef.current = status;
  }, [status]);

  const signedIn = useCallback((answer: SessionAnswer) => {
    setCsrfToken(answer.csrfToken);
    setSession(answer);
    setReason(null);
    setStatus("signedIn");
  }, []);

  const signedOut = useCallback((why: string | null = null) => {
    setCsrfToken(null);
    setTenantId(null);
    setSession(null);
    setReason(why);
    setStatus("signedOut");
  }, []);

  useEffect(() => {
    let live = true;
    currentSession().then(
      (answer) => {
        if (live) signedIn(answer);
      },
      () => {
        if (live) signedOut(null);
      },
    );
    return () => {
      live = false;
    };
  }, [signedIn, signedOut]);

  useEffect(
    () =>
      onUnauthorized((error) => {
        // A 401 while signed in means the server forgot the session (idle timeout, sign-out
        // elsewhere); a wrong password on the sign-in page is handled there.
        if (statusRef.current !== "signedIn") return;
        signedOut(`Your session has ended (${error.errorCode}: ${error.errorMsg}). Please sign in again.`);
      }),
    [signedOut],
  );

  const value = useMemo<AuthValue>(() => ({ status, session, reason, signedIn, signedOut }), [status, session, reason, signedIn, signedOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
