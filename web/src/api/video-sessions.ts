import { apiJson } from "./http";
import type { Connection, RedeemedKey, VideoSession } from "./types";

const base = (roomName: string) => `/api/video-sessions/${encodeURIComponent(roomName)}`;

/** The key travels in the body: a key in a URL would be logged by every proxy on the way. */
export const redeemJoinKey = (roomName: string, key: string) =>
  apiJson<RedeemedKey>(`${base(roomName)}/redeem/`, { method: "POST", body: { key } });

export const getVideoSession = (roomName: string, token: string, signal?: AbortSignal) =>
  apiJson<VideoSession>(`${base(roomName)}/`, { token, signal });

export const refreshConnection = (roomName: string, token: string) =>
  apiJson<{ connection: Connection }>(`${base(roomName)}/refresh/`, { method: "POST", token, body: {} }).then((body) => body.connection);
