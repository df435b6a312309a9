import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError, NETWORK_ERROR, api, listAll, onUnauthorized, setCsrfToken, setFetch, setTenantId } from "./client";

interface Sent {
  url: string;
  init: RequestInit;
}

/** A stand-in network that records what was sent and answers as told. */
function network(answer: (url: string) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  setFetch(async (input, init) => {
    const url = String(input);
    sent.push({ url, init: init ?? {} });
    return answer(url);
  });
  return sent;
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const headersOf = (s: Sent) => new Headers(s.init.headers);

beforeEach(() => {
  setCsrfToken(null);
  setTenantId(null);
});

afterEach(() => {
  setFetch((...args) => fetch(...args));
});

describe("the CSRF token", () => {
  it("travels on every unsafe method", async () => {
    const sent = network(() => json(200, {}));
    setCsrfToken("tok-123");
    await api.post("/flows/x/publish", { note: "n" });
    await api.put("/variables/v", { type: "string" });
    await api.patch("/x", {});
    await api.delete("/access-codes/1");
    expect(sent.map((s) => headersOf(s).get("X-CSRF-Token"))).toEqual(["tok-123", "tok-123", "tok-123", "tok-123"]);
  });

  it("is not sent on reads", async () => {
    const sent = network(() => json(200, {}));
    setCsrfToken("tok-123");
    await api.get("/flows");
    expect(headersOf(sent[0]).get("X-CSRF-Token")).toBeNull();
  });

  it("is not sent before sign-in", async () => {
    const sent = network(() => json(200, {}));
    await api.post("/console/session", { name: "a", password: "b" });
    expect(headersOf(sent[0]).get("X-CSRF-Token")).toBeNull();
  });
});

describe("requests", () => {
  it("go to the management prefix with the cookie, as JSON", async () => {
    const sent = network(() => json(200, { ok: true }));
    const answer = await api.put<{ ok: boolean }>("/templates/greeting", { text: "Hi" });
    expect(answer).toEqual({ ok: true });
    expect(sent[0].url).toBe("/oiap/v1/templates/greeting");
    expect(sent[0].init.method).toBe("PUT");
    expect(sent[0].init.credentials).toBe("same-origin");
    expect(headersOf(sent[0]).get("Content-Type")).toBe("application/json");
    expect(sent[0].init.body).toBe(JSON.stringify({ text: "Hi" }));
  });

  it("add the query and leave empty values out", async () => {
    const sent = network(() => json(200, {}));
    await api.get("/flows/a/routing", { query: { calling_number: "139 1", page: undefined, x: null } });
    expect(sent[0].url).toBe("/oiap/v1/flows/a/routing?calling_number=139+1");
  });

  it("name the tenant a platform operator picked", async () => {
    const sent = network(() => json(200, {}));
    setTenantId("tenant-b");
    await api.get("/flows");
    expect(headersOf(sent[0]).get("tenantId")).toBe("tenant-b");
    setTenantId(null);
    await api.get("/flows");
    expect(headersOf(sent[1]).get("tenantId")).toBeNull();
  });

  it("answer undefined for 204", async () => {
    network(() => new Response(null, { status: 204 }));
    await expect(api.delete("/access-codes/1")).resolves.toBeUndefined();
  });
});

describe("errors", () => {
  it("carry the catalogue's code, message and HTTP status", async () => {
    network(() => json(403, { errorCode: 900003, errorMsg: "This needs the admin role." }));
    const error = await api.post("/flows/x/publish").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, errorCode: "900003", errorMsg: "This needs the admin role." });
  });

  it("keep string codes and the whole body (a publish's problems)", async () => {
    const body = { errorCode: "10000002", errorMsg: "Parameter error.", problems: [{ message: "no start node" }] };
    network(() => json(422, body));
    const error = (await api.post("/flows/x/publish").catch((e: unknown) => e)) as ApiError;
    expect(error.errorCode).toBe("10000002");
    expect(error.body).toEqual(body);
  });

  it("explain an answer that is not the catalogue's", async () => {
    network(() => new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    const error = (await api.get("/flows").catch((e: unknown) => e)) as ApiError;
    expect(error).toMatchObject({ status: 502, errorCode: "HTTP 502", errorMsg: "<html>Bad gateway</html>" });
  });

  it("read FastAPI's detail", async () => {
    network(() => json(404, { detail: "Not Found" }));
    const error = (await api.get("/nothing").catch((e: unknown) => e)) as ApiError;
    expect(error).toMatchObject({ status: 404, errorCode: "HTTP 404", errorMsg: "Not Found" });
  });

  it("say so when the server cannot be reached", async () => {
    setFetch(() => Promise.reject(new TypeError("Failed to fetch")));
    const error = (await api.get("/flows").catch((e: unknown) => e)) as ApiError;
    expect(error).toMatchObject({ status: 0, errorCode: NETWORK_ERROR });
    expect(error.errorMsg).toContain("Failed to fetch");
  });

  it("report a management 401 as the end of the session, not an OIAP one", async () => {
    network(() => json(401, { errorCode: 900001, errorMsg: "Not signed in." }));
    const seen: string[] = [];
    const stop = onUnauthorized((e) => seen.push(e.errorCode));
    await api.get("/flows").catch(() => undefined);
    await api.post("/oifde/rest/api/faqGroup/query", {}).catch(() => undefined);
    stop();
    await api.get("/flows").catch(() => undefined);
    expect(seen).toEqual(["900001"]);
  });
});

describe("listAll", () => {
  it("reads every page", async () => {
    const sent = network((url) => {
      const page = Number(new URL(url, "http://x").searchParams.get("page"));
      const items = page === 1 ? Array.from({ length: 100 }, (_, i) => i) : page === 2 ? [100, 101] : [];
      return json(200, { total: 102, page, page_size: 100, items });
    });
    const all = await listAll<number>("/flows");
    expect(all).toHaveLength(102);
    expect(sent.map((s) => s.url)).toEqual(["/oiap/v1/flows?page=1&page_size=100", "/oiap/v1/flows?page=2&page_size=100"]);
  });
});
