/**
 * The two kinds of WebSocket a room object opens, and who holds each: the route that checked the
 * caller in D1 names them in the request's URL (the room object trusts only its own Worker).
 */

/** Who holds a socket, and until when. Times are epoch ms. */
export type SocketHolder = {
  roomName: string;
  appointmentId: number;
  userId: number;
  /** When the route read D1 to let them in: a revocation after it refuses the socket. */
  checkedAt: number;
  /** When the holder's token expires: the socket is closed then. */
  expiresAt: number;
};

/** A dashboard's live room events, or a party's signalling (which also ends when the join window `closesAt`). */
export type SocketRequest = { kind: "events"; holder: SocketHolder } | { kind: "signal"; holder: SocketHolder; closesAt: number };

/** Tags that keep the room object's two kinds of WebSocket apart (they survive hibernation). */
export const socketTags = { events: "events", signalling: "signalling" } as const;

const numbers = { appointmentId: "appointment_id", userId: "user_id", checkedAt: "checked_at", expiresAt: "expires_at" } as const;

/** The request that opens a socket on the room object. */
export function roomSocketRequest(socket: SocketRequest): Request {
  const url = new URL(`https://room.internal/${socket.kind}`);
  url.searchParams.set("room_name", socket.holder.roomName);
  for (const [field, name] of Object.entries(numbers)) url.searchParams.set(name, String(socket.holder[field as keyof typeof numbers]));
  if (socket.kind === "signal") url.searchParams.set("closes_at", String(socket.closesAt));
  return new Request(url, { headers: { upgrade: "websocket" } });
}

/** The socket a request asks for; undefined for anything else. */
export function socketRequestFromUrl(requestUrl: string): SocketRequest | undefined {
  const url = new URL(requestUrl);
  const kind = url.pathname.slice(1);
  const roomName = url.searchParams.get("room_name");
  const value = (name: string) => {
    const number = Number(url.searchParams.get(name));
    return Number.isSafeInteger(number) && number > 0 ? number : undefined;
  };
  const [appointmentId, userId, checkedAt, expiresAt] = Object.values(numbers).map(value);
  if (!roomName || !appointmentId || !userId || !checkedAt || !expiresAt) return undefined;
  const holder = { roomName, appointmentId, userId, checkedAt, expiresAt };
  if (kind === "events") return { kind, holder };
  const closesAt = value("closes_at");
  return kind === "signal" && closesAt ? { kind, holder, closesAt } : undefined;
}
