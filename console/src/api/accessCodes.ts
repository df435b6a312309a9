import { api, listAll, seg } from "./client";

export interface AccessCode {
  code: string;
  flow: string;
  dialogType: number;
  description: string;
  /** IVR or OIFDE: which binding interface family the code belongs to (spec §5). */
  source: string;
}

export const DIALOG_TYPES: { value: number; label: string }[] = [
  { value: 1, label: "Voice navigation" },
  { value: 2, label: "Outbound" },
  { value: 3, label: "Chatbot" },
  { value: 4, label: "IVR flow" },
];

export function dialogTypeLabel(value: number): string {
  return DIALOG_TYPES.find((type) => type.value === value)?.label ?? `Type ${value}`;
}

/** The longest access code the server takes (domain/bots.ACCESS_CODE_MAX). */
export const ACCESS_CODE_MAX = 20;

export const listAccessCodes = (signal?: AbortSignal) => listAll<AccessCode>("/access-codes", signal);

/** Binds (201) or rebinds (200) a code; the next new call on it runs `flow`. */
export const putAccessCode = (code: string, binding: { flow: string; dialogType: number; description?: string }) =>
  api.put<AccessCode>(`/access-codes/${seg(code)}`, binding);

export const deleteAccessCode = (code: string) => api.delete(`/access-codes/${seg(code)}`);
