import { afterEach, describe, expect, it } from "vitest";
import { setCsrfToken, setFetch } from "../../api/client";
import { draftBody, putDraft, sendTestInput, validateFlow, type FlowDetail } from "../../api/flows";

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function recording(answer: unknown): Seen[] {
  const seen: Seen[] = [];
  setFetch(async (input, init) => {
    seen.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    });
    return new Response(JSON.stringify(answer), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  return seen;
}

const stored: FlowDetail = {
  code: "hotline",
  name: "Bank hotline",
  nodes: [{ id: "start", kind: "start", branches: [] }],
  flow_id: 7,
  status: "VALID",
  latest_version: 1,
  default_version: 1,
  created_at: "x",
  updated_at: "y",
};

afterEach(() => setCsrfToken(null));

describe("flow calls", () => {
  it("writes the draft back without the fields only a GET has", async () => {
    setCsrfToken("t0ken");
    const seen = recording(stored);
    await putDraft("hotline", stored);
    expect(seen[0]?.url).toBe("/oiap/v1/flows/hotline");
    expect(seen[0]?.method).toBe("PUT");
    expect(seen[0]?.headers["X-CSRF-Token"]).toBe("t0ken");
    expect(seen[0]?.body).toEqual({ code: "hotline", name: "Bank hotline", nodes: [{ id: "start", kind: "start", branches: [] }] });
    expect(draftBody(stored)).not.toHaveProperty("flow_id");
  });

  it("validates the unsaved draft and sends a caller's keys", async () => {
    const seen = recording({ problems: [], turns: [] });
    await validateFlow("a b", { name: "n", nodes: [] });
    await sendTestInput("call-1", { kind: "keys", value: "1" });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(["POST /oiap/v1/flows/a%20b/validate", "POST /oiap/v1/test-calls/call-1/input"]);
    expect(seen[1]?.body).toEqual({ kind: "keys", value: "1" });
  });
});
