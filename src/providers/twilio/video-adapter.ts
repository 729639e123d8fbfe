import { type Config, configured } from "../../base/config";
import { badRequest } from "../../base/errors";
import { buildingToken, type TwilioConnection, type VideoProviderAdapter } from "../video-adapter";
import { buildTwilioAccessToken } from "./access-token";
import { twilioIdentity } from "./identity";
import { twilioRoomEvent } from "./room-events";
import { completeRoom, listConnectedParticipants, type TwilioRestCredentials } from "./rooms-client";
import { verifiedTwilioForm } from "./webhook-request";

/** Where Twilio posts room status callbacks (rooms are created with it as their StatusCallback). */
export const twilioVideoWebhookPath = "/api/webhooks/twilio/video";

/** Twilio Video: access tokens, Rooms status callbacks, and the Rooms API's list of who is connected. */
export const twilioVideo: VideoProviderAdapter<TwilioConnection> = {
  async admit(config, { roomName, party, expiresAt, now }) {
    const { accountSid, apiKeySid, apiKeySecret } = configured(config.twilio.video, "Failed to generate access token");
    const identity = await twilioIdentity(config.videoIdentity, party);
    const { token } = await buildingToken(() =>
      buildTwilioAccessToken({ accountSid, apiKeySid, apiKeySecret, identity, room: roomName, ttlSeconds: expiresAt - now, now }),
    );
    return { provider: "twilio", roomName, token, identity, expiresAt };
  },

  identity: (config, party) => twilioIdentity(config.videoIdentity, party),

  webhook: {
    path: twilioVideoWebhookPath,
    summary: "Twilio Video room status callback (signed with X-Twilio-Signature)",
    description: "Form-encoded; room-created, room-ended, participant-connected/-disconnected, track and recording events.",
    async receive(request, config) {
      const params = await verifiedTwilioForm(request, { authToken: config.twilio.authToken, publicBaseUrl: config.publicBaseUrl });
      const event = twilioRoomEvent(params);
      if (!event) throw badRequest("Not a Twilio Video room status callback");
      return event;
    },
  },

  /**
   * Ends the live room for everyone (one party cannot be kept out: their token could reconnect).
   * Only rooms we create exist (client-side room creation off, see README), so with no live room
   * there is nothing a token could join.
   */
  async revoke(config, { roomSid }) {
    if (config.twilio.rest.state === "not_configured") return "not_configured";
    const credentials = twilioRestCredentials(config, "Failed to end the video room");
    if (roomSid) await completeRoom(credentials, roomSid);
    return "revoked";
  },

  async listConnected(config, roomSid) {
    const connected = await listConnectedParticipants(twilioRestCredentials(config, "Failed to read the room's participants"), roomSid);
    return connected.map((participant) => ({
      key: participant.sid,
      identity: participant.identity,
      ...(participant.start_time && { connectedAt: Date.parse(participant.start_time) }),
    }));
  },
};

/** The Rooms API as configured, or a 500 `"<failure>: X is not set"` naming what is missing. */
export function twilioRestCredentials(config: Config, failure: string): TwilioRestCredentials {
  const { apiKeySid, apiKeySecret } = configured(config.twilio.rest, failure);
  return { baseUrl: config.twilio.videoBaseUrl, apiKeySid, apiKeySecret, timeoutMs: config.providerTimeoutMs };
}
