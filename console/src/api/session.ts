import { api } from "./client";

export type Role = "viewer" | "editor" | "admin" | "platform";

export interface SessionUser {
  name: string;
  tenantId: string | null;
  role: Role;
}

export interface SessionAnswer {
  user: SessionUser;
  csrfToken: string;
  /** Seconds of inactivity after which the server forgets the session. */
  idleTimeout: number;
}

export interface Tenant {
  tenantId: string;
  name: string;
}

export const signIn = (name: string, password: string) =>
  api.post<SessionAnswer>("/console/session", { name, password });

export const currentSession = () => api.get<SessionAnswer>("/console/session");

export const signOut = () => api.delete("/console/session");

export const listTenants = () =>
  api.get<{ items: Tenant[] }>("/console/tenants").then((answer) => answer.items);
