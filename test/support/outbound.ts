import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";

/**
 * The stand-in for every third-party API (Twilio, Agora, email). Any request no handler
 * answers fails the test, so nothing we send goes unchecked. Call once per test file.
 */
export function useOutboundStandIn() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/**
 * The form a provider call sent (Twilio's APIs take application/x-www-form-urlencoded). Read as
 * bytes: workerd warns about `text()` on a body it cannot tell is text, and a warning per request
 * would bury real ones.
 */
export async function sentForm(request: { arrayBuffer(): Promise<ArrayBuffer> }): Promise<URLSearchParams> {
  return new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
}
