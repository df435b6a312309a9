// A caller's line as `oiap chat` and conversation tests write it: text, `#keys`, or an event
// (`/timeout`, `/nomatch`, `/hangup`, `/ok`, `/fail`), turned into a test-call input.
import type { TestInput } from "../../api/flows";

const EVENTS = new Set(["timeout", "nomatch", "hangup", "ok", "fail"]);

export function parseCallerLine(line: string): TestInput | { error: string } {
  const text = line.trim();
  if (text === "") return { error: "Type what the caller says, #keys, or /timeout, /nomatch, /hangup." };
  if (text.startsWith("#")) {
    const keys = text.slice(1).replace(/\s+/g, "");
    if (!/^[0-9*#]+$/.test(keys)) return { error: "Keys are 0-9, * and #, after the leading # (e.g. #1 or #12345678#)." };
    return { kind: "keys", value: keys };
  }
  if (text.startsWith("/")) {
    const event = text.slice(1).toLowerCase();
    if (EVENTS.has(event)) return { kind: event as TestInput["kind"] };
    return { error: `Unknown event ${text}: /timeout, /nomatch, /hangup, /ok or /fail.` };
  }
  return { kind: "text", value: text };
}

/** How an input reads in the conversation (as the caller would type it again). */
export function callerLine(input: TestInput): string {
  if (input.kind === "text") return input.value ?? "";
  if (input.kind === "keys") return `#${input.value ?? ""}`;
  return `/${input.kind}`;
}
