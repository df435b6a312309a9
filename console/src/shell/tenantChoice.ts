const KEY = "oiap-console-tenant";

/** The tenant a platform operator last picked, kept for this browser tab. */
export function storedTenant(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeTenant(tenantId: string | null): void {
  try {
    if (tenantId) window.sessionStorage.setItem(KEY, tenantId);
    else window.sessionStorage.removeItem(KEY);
  } catch {
    // Storage refused: the choice lasts until reload.
  }
}
