import { useCallback, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { ApiError } from "../api/client";
import { Button } from "./Button";
import { ToastContext } from "./toastContext";
import type { ToastApi, ToastKind } from "./toastContext";
import { IconClose } from "./icons";

interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((toast) => toast.id !== id)), []);

  const show = useCallback(
    (kind: ToastKind, message: string) => {
      const id = nextId++;
      setToasts((list) => [...list.slice(-4), { id, kind, message }]);
      // Errors stay until dismissed: their code is what a user quotes in a support ticket.
      if (kind !== "error") window.setTimeout(() => dismiss(id), 5000);
    },
    [dismiss],
  );

  const api = useMemo<ToastApi>(
    () => ({
      show,
      success: (message) => show("success", message),
      error: (error) => {
        if (error instanceof ApiError) show("error", `${error.errorCode}: ${error.errorMsg}`);
        else show("error", error instanceof Error ? error.message : String(error));
      },
    }),
    [show],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" role="region" aria-label="Notifications" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.kind}`} role={toast.kind === "error" ? "alert" : "status"} data-testid={`toast-${toast.kind}`}>
            <div className="grow">{toast.message}</div>
            <Button variant="ghost" size="small" icon={<IconClose />} aria-label="Dismiss notification" onClick={() => dismiss(toast.id)} />
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
