import { offersBearerProtocol } from "../auth/middleware";
import { ApiError } from "../base/errors";
import { errorBodySchema } from "../base/router";

/** The answers of a route that upgrades to a WebSocket, for its OpenAPI document. */
export const webSocketUpgradeResponses = {
  101: { description: "Switching to the WebSocket protocol" },
  426: { description: "Not a WebSocket upgrade", content: { "application/json": { schema: errorBodySchema } } },
} as const;

/** A 426 for anything but a WebSocket upgrade, before the route reads anything. */
export function requireWebSocketUpgrade(request: Request): void {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "Expected a WebSocket upgrade");
}

/** Hands the browser the socket a room object opened, choosing `bearer` when the browser offered its token that way. */
export async function upgradedTo(request: Request, opened: Response): Promise<Response> {
  if (!opened.webSocket) {
    // The room refused (access withdrawn meanwhile, too many sockets): its own words; anything else is our fault.
    const refusal = (await opened.json().catch(() => undefined)) as { error?: unknown } | undefined;
    if ((opened.status === 403 || opened.status === 429) && typeof refusal?.error === "string")
      throw new ApiError(opened.status, refusal.error);
    throw new ApiError(500, "The room did not open a WebSocket");
  }
  // A browser that offered the token as a subprotocol closes the socket unless one is chosen.
  const headers = offersBearerProtocol(request) ? { "sec-websocket-protocol": "bearer" } : undefined;
  return new Response(null, { status: 101, webSocket: opened.webSocket, headers });
}
