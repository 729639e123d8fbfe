import { z } from "@hono/zod-openapi";
import { ApiError } from "../../base/errors";
import { fetchWithRetries } from "../provider-fetch";
import { basicAuthorization } from "./basic-auth";

/**
 * Where and as whom to call Twilio's Video REST API: API key auth, overridable host for tests,
 * and how long one call may take (the configured provider timeout).
 */
export type TwilioRestCredentials = { baseUrl: string; apiKeySid: string; apiKeySecret: string; timeoutMs: number };

const roomSchema = z.object({ sid: z.string(), unique_name: z.string(), status: z.string() });
const participantsSchema = z.object({
  participants: z.array(z.object({ sid: z.string(), identity: z.string(), status: z.string(), start_time: z.string().nullable() })),
});
const twilioErrorSchema = z.object({ code: z.number().optional(), message: z.string().optional() });

export type TwilioRoom = z.infer<typeof roomSchema>;
export type ConnectedParticipant = z.infer<typeof participantsSchema>["participants"][number];

/** Twilio's "room exists" error: an in-progress room already has this UniqueName. */
export const roomExistsCode = 53113;

export type NewRoom = {
  uniqueName: string;
  maxParticipants: number;
  emptyRoomTimeoutMinutes: number;
  unusedRoomTimeoutMinutes: number;
  statusCallbackUrl: string;
};

/**
 * Creates a group room, or returns the in-progress room that already has the name: calling
 * twice, or after Twilio made it, is not an error. `created` says which happened.
 */
export async function createOrFetchRoom(
  credentials: TwilioRestCredentials,
  room: NewRoom,
): Promise<{ room: TwilioRoom; created: boolean }> {
  const form = new URLSearchParams({
    UniqueName: room.uniqueName,
    Type: "group",
    MaxParticipants: String(room.maxParticipants),
    EmptyRoomTimeout: String(room.emptyRoomTimeoutMinutes),
    UnusedRoomTimeout: String(room.unusedRoomTimeoutMinutes),
    StatusCallback: room.statusCallbackUrl,
    StatusCallbackMethod: "POST",
  });
  const response = await twilioFetch(credentials, "/v1/Rooms", { method: "POST", body: form });
  if (response.ok) return { room: await parsed(response, roomSchema), created: true };
  const error = await twilioError(response);
  if (error.code !== roomExistsCode) throw upstreamError(response.status, error);
  return { room: await fetchRoom(credentials, room.uniqueName), created: false };
}

/** A room by SID or by the unique name of an in-progress room. */
export async function fetchRoom(credentials: TwilioRestCredentials, nameOrSid: string): Promise<TwilioRoom> {
  const response = await twilioFetch(credentials, `/v1/Rooms/${encodeURIComponent(nameOrSid)}`);
  if (!response.ok) throw upstreamError(response.status, await twilioError(response));
  return parsed(response, roomSchema);
}

/** Twilio's answer when a room is not in progress (already completed), so it cannot be completed again. */
const roomNotInProgressCode = 53112;

/**
 * Ends an in-progress room now (`Status=completed`), by SID or unique name: everyone is
 * disconnected, and tokens for the room cannot reconnect to it. A room already over, or never
 * created, is not an error: either way nobody is in it.
 */
export async function completeRoom(credentials: TwilioRestCredentials, nameOrSid: string): Promise<void> {
  const form = new URLSearchParams({ Status: "completed" });
  const response = await twilioFetch(credentials, `/v1/Rooms/${encodeURIComponent(nameOrSid)}`, { method: "POST", body: form });
  if (response.ok || response.status === 404) return;
  const error = await twilioError(response);
  if (error.code !== roomNotInProgressCode) throw upstreamError(response.status, error);
}

/** Who Twilio says is connected right now; the room's webhooks may have been lost. */
export async function listConnectedParticipants(credentials: TwilioRestCredentials, roomSid: string): Promise<ConnectedParticipant[]> {
  const response = await twilioFetch(credentials, `/v1/Rooms/${encodeURIComponent(roomSid)}/Participants?Status=connected&PageSize=50`);
  if (!response.ok) throw upstreamError(response.status, await twilioError(response));
  return (await parsed(response, participantsSchema)).participants;
}

/**
 * Every call here may be repeated safely (reads; a create that finds the room made; a completion
 * of a room already completed), so an outage's passing failures are retried (provider-fetch.ts).
 */
async function twilioFetch(credentials: TwilioRestCredentials, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", basicAuthorization(credentials));
  headers.set("accept", "application/json");
  const response = await fetchWithRetries(`${credentials.baseUrl}${path}`, { ...init, headers }, { timeoutMs: credentials.timeoutMs });
  if (!response) throw new ApiError(502, "Twilio error: Twilio could not be reached");
  return response;
}

/** A successful answer in the shape we rely on; anything else is Twilio's failure, not ours. */
async function parsed<T extends z.ZodType>(response: Response, schema: T): Promise<z.infer<T>> {
  const result = schema.safeParse(await response.json().catch(() => undefined));
  if (!result.success) throw new ApiError(502, "Twilio error: unexpected response");
  return result.data;
}

async function twilioError(response: Response): Promise<z.infer<typeof twilioErrorSchema>> {
  const parsed = twilioErrorSchema.safeParse(await response.json().catch(() => ({})));
  return parsed.success ? parsed.data : {};
}

/** Twilio's failures are ours to report as a bad gateway, with Twilio's code for support. */
function upstreamError(status: number, error: z.infer<typeof twilioErrorSchema>): ApiError {
  const code = error.code ?? status;
  return new ApiError(502, `Twilio error ${code}: ${error.message ?? `HTTP ${status}`}`);
}
