// The one HTTP client of the console. Every call goes to the platform's own management API
// (same origin), carries the session cookie, the CSRF token on unsafe methods and, for a
// platform operator, the tenant picked in the shell.

export const API_PREFIX = "/oiap/v1";

/** An answer of the server that is not a success, or a request that never got one. */
export class ApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly errorMsg: string;
  /** The whole JSON body, for extra fields such as `problems` of a refused publish. */
  readonly body: unknown;

  constructor(status: number, errorCode: string, errorMsg: string, body: unknown = null) {
    super(`${errorCode}: ${errorMsg}`);
    this.name = "ApiError";
    this.status = status;
    this.errorCode = errorCode;
    this.errorMsg = errorMsg;
    this.body = body;
  }
}

/** Error code of a request that got no HTTP answer at all (server down, offline). */
export const NETWORK_ERROR = "NETWORK";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
const UNSAFE: ReadonlySet<Method> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  signal?: AbortSignal;
}

type Listener = (error: ApiError) => void;

interface ClientState {
  csrfToken: string | null;
  tenantId: string | null;
  fetchImpl: typeof fetch;
  unauthorized: Set<Listener>;
}

const state: ClientState = {
  csrfToken: null,
  tenantId: null,
  fetchImpl: (...args) => fetch(...args),
  unauthorized: new Set(),
};

/** The token of the session answer; sent as X-CSRF-Token on POST/PUT/PATCH/DELETE. */
export function setCsrfToken(token: string | null): void {
  state.csrfToken = token;
}

/** The tenant a platform operator acts for; null for tenant users (the session decides). */
export function setTenantId(tenantId: string | null): void {
  state.tenantId = tenantId;
}

export function getTenantId(): string | null {
  return state.tenantId;
}

/** For unit tests: replace the network. */
export function setFetch(fetchImpl: typeof fetch): void {
  state.fetchImpl = fetchImpl;
}

/** Called on every 401 answer (the session ended or expired), e.g. to go to sign-in. */
export function onUnauthorized(listener: Listener): () => void {
  state.unauthorized.add(listener);
  return () => state.unauthorized.delete(listener);
}

function buildUrl(path: string, query: RequestOptions["query"]): string {
  const url = path.startsWith("/oiap/") || path.startsWith("/oifde/") ? path : API_PREFIX + path;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${url}?${text}` : url;
}

/** Turns a non-2xx answer into an ApiError, whatever its body looks like. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    if ("errorCode" in record) {
      const msg = record.errorMsg ?? record.message ?? "";
      return new ApiError(response.status, String(record.errorCode), String(msg), body);
    }
    // FastAPI's own answers (e.g. an unknown route) carry `detail`.
    if ("detail" in record) {
      const detail = record.detail;
      const msg = typeof detail === "string" ? detail : JSON.stringify(detail);
      return new ApiError(response.status, `HTTP ${response.status}`, msg, body);
    }
  }
  const msg = text.trim().slice(0, 300) || response.statusText || "The server answered with an error.";
  return new ApiError(response.status, `HTTP ${response.status}`, msg, body);
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  if (UNSAFE.has(method) && state.csrfToken) headers["X-CSRF-Token"] = state.csrfToken;
  if (state.tenantId) headers["tenantId"] = state.tenantId;

  const url = buildUrl(path, options.query);
  let response: Response;
  try {
    response = await state.fetchImpl(url, {
      method,
      headers,
      body,
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    const msg = cause instanceof Error ? cause.message : String(cause);
    throw new ApiError(0, NETWORK_ERROR, `The server could not be reached (${msg}).`);
  }
  if (!response.ok) {
    const error = await errorFromResponse(response);
    // Only the management API knows the console session; a 401 of the OIAP interfaces
    // (/oifde/..., token in the body) says nothing about it.
    if (response.status === 401 && url.startsWith(API_PREFIX)) state.unauthorized.forEach((listener) => listener(error));
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, "body">) => request<T>("GET", path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>("POST", path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>("PUT", path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>("PATCH", path, { ...options, body }),
  delete: (path: string, options?: RequestOptions) => request<void>("DELETE", path, options),
};

/** A page of a management list (`?page=&page_size=`). */
export interface Page<T> {
  total: number;
  page: number;
  page_size: number;
  items: T[];
}

/** Reads every page of a management list (page_size 100, the server's maximum). */
export async function listAll<T>(path: string, signal?: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page += 1) {
    const answer = await api.get<Page<T> | { items: T[] }>(path, { query: { page, page_size: 100 }, signal });
    items.push(...answer.items);
    const total = "total" in answer ? answer.total : answer.items.length;
    if (answer.items.length === 0 || items.length >= total) return items;
  }
}

/** Encodes one path segment (codes and names may hold characters URLs reserve). */
export const seg = (value: string | number): string => encodeURIComponent(String(value));
