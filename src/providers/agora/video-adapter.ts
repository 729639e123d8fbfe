import { configured } from "../../base/config";
import { ApiError, badRequest } from "../../base/errors";
import { type AgoraConnection, buildingToken, type VideoProviderAdapter } from "../video-adapter";
import { buildAgoraRtcToken } from "./access-token";
import { banFromChannel } from "./channel-bans";
import { agoraChannelEvent } from "./ncs-events";
import { verifyAgoraNcsSignature } from "./ncs-signature";

/** Agora RTC: AccessToken2 for the channel, and Notifications (NCS) channel events. Agora has no participants API to heal from. */
export const agoraVideo: VideoProviderAdapter<AgoraConnection> = {
  async admit(config, { roomName, party, expiresAt, now }) {
    const { appId, appCertificate } = configured(config.agora.tokens, "Failed to generate access token");
    const { token } = await buildingToken(() =>
      buildAgoraRtcToken({
        appId,
        appCertificate,
        channelName: roomName,
        // The user id: stable across joins, so the other side and the room's webhooks know who is who.
        uid: party.id,
        role: "publisher",
        // Agora drops a user when the privileges lapse, so they last exactly as long as the token.
        tokenExpireSeconds: expiresAt - now,
        privilegeExpireSeconds: expiresAt - now,
        now,
      }),
    );
    return { provider: "agora", appId, channel: roomName, token, uid: party.id, expiresAt };
  },

  // NCS events name the uid, which is the user id.
  identity: async (_config, party) => String(party.id),

  /** Bans the channel (or the one party's uid in it) until the room closes: tokens issued before cannot join again. */
  async revoke(config, { roomName, userId, until, now }) {
    if (config.agora.rest.state === "not_configured" || config.agora.tokens.state !== "configured") return "not_configured";
    const { customerId, customerSecret } = configured(config.agora.rest, "Failed to close the Agora channel");
    const ban = { appId: config.agora.tokens.values.appId, channel: roomName, seconds: until - now };
    await banFromChannel(
      { baseUrl: config.agora.apiBaseUrl, customerId, customerSecret, timeoutMs: config.providerTimeoutMs },
      userId === undefined ? ban : { ...ban, uid: userId },
    );
    return "revoked";
  },

  webhook: {
    path: "/api/webhooks/agora/ncs",
    summary: "Agora NCS RTC channel event (signed with Agora-Signature-V2, or Agora-Signature)",
    description: "JSON; channel create/destroy, broadcaster and audience join/leave, role changes. Other products are ignored.",
    async receive(request, config) {
      // The signature covers the bytes Agora sent, so they are read raw and parsed only once verified.
      const rawBody = await request.text();
      const secret = config.agora.ncsSecret;
      const signed =
        secret !== undefined &&
        (await verifyAgoraNcsSignature({
          secret,
          rawBody,
          signatureV2: request.headers.get("agora-signature-v2"),
          signatureV1: request.headers.get("agora-signature"),
        }));
      if (!signed) throw new ApiError(403, "Invalid webhook signature");
      const body = parseJson(rawBody);
      // Notices of other Agora products (recording, media push) are theirs, not a room's.
      if (isOtherAgoraProduct(body)) return "ignored";
      const event = agoraChannelEvent(body);
      if (!event) throw badRequest("Not an Agora RTC channel event");
      return event;
    },
  },
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("Malformed JSON in request body");
  }
}

function isOtherAgoraProduct(body: unknown): boolean {
  const productId = typeof body === "object" && body !== null ? (body as { productId?: unknown }).productId : undefined;
  return typeof productId === "number" && productId !== 1;
}
