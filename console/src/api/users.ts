import { api, seg } from "./client";
import type { Role } from "./session";

export interface ConsoleUser {
  name: string;
  tenantId: string | null;
  role: Role;
  disabled: boolean;
  createdAt: string;
  passwordSetAt: string;
}

export type TenantRole = Exclude<Role, "platform">;
export const TENANT_ROLES: TenantRole[] = ["viewer", "editor", "admin"];

export const listUsers = (signal?: AbortSignal) =>
  api.get<{ items: ConsoleUser[] }>("/users", { signal }).then((answer) => answer.items);

/** Creates (a password is needed) or changes a user; a new password or disabling ends their sessions. */
export const putUser = (name: string, change: { role: TenantRole; password?: string; disabled?: boolean }) =>
  api.put<ConsoleUser>(`/users/${seg(name)}`, change);
