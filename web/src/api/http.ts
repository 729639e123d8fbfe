import { bookmarkHeaders, keepBookmark } from "./bookmark";

/** A non-2xx answer from the API, with the server's `{"error": "..."}` message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type RequestOptions = { token?: string | null; method?: "GET" | "POST"; body?: unknown; signal?: AbortSignal };

/**
 * Calls the Worker's API on this origin and parses its JSON. The bearer token goes in the
 * Authorization header only: never in a URL, where it would end up in logs and histories.
 */
export async function apiJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...bookmarkHeaders() };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
    // Join keys and tokens never leave in a Referer, whatever the page's policy says.
    referrerPolicy: "no-referrer",
    cache: "no-store",
  });
  keepBookmark(response);
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, errorMessage(body) ?? `The server answered ${response.status}`);
  return body as T;
}

function errorMessage(body: unknown): string | undefined {
  return body && typeof body === "object" && "error" in body && typeof body.error === "string" ? body.error : undefined;
}
