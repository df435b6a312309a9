import type { Role } from "../api/session";

/** What a page may offer; the server checks the same on every call (403 900003). */
export type Ability = "read" | "edit" | "release" | "manageUsers";

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, platform: 3 };
const NEEDS: Record<Ability, number> = { read: 0, edit: 1, release: 2, manageUsers: 2 };

export function can(role: Role | null | undefined, ability: Ability): boolean {
  if (!role) return false;
  return RANK[role] >= NEEDS[ability];
}

export const ROLE_LABEL: Record<Role, string> = {
  viewer: "Viewer",
  editor: "Editor",
  admin: "Admin",
  platform: "Platform operator",
};
