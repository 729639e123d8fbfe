import { createHmac } from "node:crypto";
import { inject } from "vitest";
import { testSettings } from "../../support/settings";

const { PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN } = testSettings;

const path = "/api/webhooks/twilio/video";
let sequence = 0;

/**
 * Posts a Twilio Video status callback to the Worker, signed as Twilio signs it (HMAC-SHA1 over
 * PUBLIC_BASE_URL + path and the sorted fields). The room object applies it and pushes
 * participant.joined / participant.left to the page's live-events WebSocket.
 */
export async function twilioRoomEvent(
  roomName: string,
  event: "participant-connected" | "participant-disconnected",
  participant: { sid: string; identity: string },
): Promise<void> {
  sequence += 1;
  const params: Record<string, string> = {
    RoomSid: `RM${roomName
      .replace(/[^a-f0-9]/g, "")
      .padEnd(32, "0")
      .slice(0, 32)}`,
    RoomName: roomName,
    StatusCallbackEvent: event,
    Timestamp: new Date().toISOString(),
    SequenceNumber: String(sequence),
    ParticipantSid: participant.sid,
    ParticipantIdentity: participant.identity,
  };
  const signed = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], `${PUBLIC_BASE_URL}${path}`);
  const signature = createHmac("sha1", TWILIO_AUTH_TOKEN).update(signed).digest("base64");
  const response = await fetch(new URL(path, inject("workerUrl")), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    body: new URLSearchParams(params).toString(),
  });
  if (!response.ok) throw new Error(`Twilio webhook refused: ${response.status} ${await response.text()}`);
}
