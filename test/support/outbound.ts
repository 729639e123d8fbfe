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
