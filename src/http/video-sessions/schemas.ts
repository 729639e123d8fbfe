import { z } from "@hono/zod-openapi";
import { roles } from "../../base/caller";
import { videoProviders } from "../../base/video-provider";

export const roomNameParamSchema = z.object({
  room_name: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: "room_name", in: "path" }, example: "apt-7-1764590000-9f1c2a7b" }),
});

const twilioConnectionSchema = z.object({
  provider: z.literal("twilio"),
  token: z.string().openapi({ description: "Twilio Video access token for `room_name`" }),
  identity: z.string(),
  room_name: z.string(),
  expires_at: z.string(),
});

const agoraConnectionSchema = z.object({
  provider: z.literal("agora"),
  app_id: z.string(),
  channel: z.string(),
  token: z.string().openapi({ description: "Agora AccessToken2 with join and publish privileges" }),
  uid: z.number().int(),
  expires_at: z.string(),
});

const webrtcConnectionSchema = z.object({
  provider: z.literal("webrtc"),
  room_name: z.string(),
  identity: z.string().openapi({ description: "The party's user id, as presence names them" }),
  polite: z.boolean().openapi({ description: "Perfect negotiation: the polite peer (the patient) gives way when both offer at once" }),
  ice_servers: z
    .array(
      z.object({ urls: z.union([z.string(), z.array(z.string())]), username: z.string().optional(), credential: z.string().optional() }),
    )
    .openapi({ description: "RTCPeerConnection's iceServers: STUN, plus short-lived TURN credentials when TURN is configured" }),
  signalling_path: z.string().openapi({
    description: "Open a WebSocket here (`Sec-WebSocket-Protocol: bearer, <token>`) to exchange offers, answers and ICE candidates",
    example: "/api/video-sessions/apt-7-1764590000-9f1c2a7b/signal/",
  }),
  expires_at: z.string(),
});

export const connectionSchema = z
  .discriminatedUnion("provider", [twilioConnectionSchema, agoraConnectionSchema, webrtcConnectionSchema])
  .openapi("VideoConnection", { description: "What the provider's SDK needs to connect; refresh before `expires_at`" });

export const videoSessionSchema = z
  .object({
    appointment_id: z.number().int(),
    room_name: z.string(),
    provider: z.enum(videoProviders),
    status: z.string().openapi({ example: "confirmed" }),
    starts_at: z.string(),
    ends_at: z.string(),
    duration_minutes: z.number().int(),
    you: z.object({ id: z.number().int(), name: z.string(), role: z.enum(roles) }),
    counterpart: z.object({ id: z.number().int(), name: z.string(), role: z.enum(roles) }),
    join_window: z.object({
      opens_at: z.string(),
      closes_at: z.string(),
      can_join_now: z.boolean(),
      server_time: z.string().openapi({ description: "This server's clock: count down from it, not the device's" }),
      closed_reason: z.string().nullable().openapi({ description: "Why the room is shut now, in words; null while it is open" }),
    }),
    // A union, not `.nullable().openapi()`: that would rewrite the shared VideoConnection component itself
    // (null and this description), and the refresh's connection is never null.
    connection: z.union([connectionSchema, z.null()]).openapi({ description: "Present while the join window is open" }),
    connection_error: z.string().nullable().openapi({ description: "Why no connection could be issued although the window is open" }),
  })
  .openapi("VideoSession");

export const refreshedConnectionSchema = z.object({ connection: connectionSchema }).openapi("VideoConnectionRefresh");

export const redeemBodySchema = z
  .object({ key: z.string().min(1).max(200).openapi({ description: "The `k` of the link's fragment" }) })
  .strict();

export const sessionTokenSchema = z
  .object({
    token: z.string().openapi({ description: "Bearer token for this session's routes only" }),
    expires_at: z.string(),
    appointment_id: z.number().int(),
    room_name: z.string(),
  })
  .openapi("SessionToken");
