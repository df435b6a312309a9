import { useState } from "react";
import type { FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { signIn } from "../api/session";
import type { ApiError } from "../api/client";
import { useAuth } from "../session/authState";
import { toApiError } from "../lib/useApi";
import { Button, ErrorNotice, IconLogo, Loading, Notice, TextField, ThemeToggle } from "../ui";
import { paths } from "../paths";

/** Only paths inside the console are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith(paths.signIn)) return paths.glance;
  return next;
}

function signInTitle(error: ApiError): string {
  if (error.status === 403) return "This account is locked";
  if (error.status === 401) return "Wrong name or password";
  return "Could not sign in";
}

export function SignInPage() {
  const auth = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const next = safeNext(params.get("next"));

  if (auth.status === "checking") return <Loading label="Checking your session…" />;
  if (auth.status === "signedIn") return <Navigate to={next} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await signIn(name, password);
      auth.signedIn(answer);
      navigate(next, { replace: true });
    } catch (cause) {
      setError(toApiError(cause));
      setBusy(false);
    }
  };

  return (
    <main className="signin-wrap">
      <div className="signin-card card stack" data-testid="sign-in-page">
        <div className="row">
          <IconLogo />
          <h1 className="grow" style={{ margin: 0 }}>
            Sign in
          </h1>
          <ThemeToggle />
        </div>
        <p className="muted" style={{ margin: 0 }}>
          OpenOIAP console: see, edit, test and release your bots.
        </p>
        {auth.reason ? <Notice kind="info" testId="sign-in-reason">{auth.reason}</Notice> : null}
        {error ? <ErrorNotice error={error} title={signInTitle(error)} /> : null}
        <form className="stack" onSubmit={submit} aria-label="Sign in">
          <TextField label="Name" name="username" autoComplete="username" required autoFocus value={name} onChange={(e) => setName(e.target.value)} data-testid="sign-in-name" />
          <TextField label="Password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} data-testid="sign-in-password" />
          <Button type="submit" variant="primary" busy={busy} data-testid="sign-in-submit">
            Sign in
          </Button>
        </form>
      </div>
    </main>
  );
}
