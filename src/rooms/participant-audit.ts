import { type AuditEvent, auditEvent } from "../audit/record";
import type { RoomChange } from "./room-state";

/**
 * The user behind a participant's identity: every provider's identity starts with the user id
 * (Twilio `201-pat@example.com`, Agora's uid, the built-in provider's id). Only the id is kept.
 */
export function participantUserId(identity: string): number | null {
  const digits = /^(\d{1,15})(?:-|$)/.exec(identity)?.[1];
  return digits === undefined ? null : Number(digits);
}

/**
 * Pure: the joins and leaves among a room's applied changes, as the provider (or our own
 * signalling) reported them, at the time they happened; the participant is the subject.
 */
export function participantAuditEvents(changes: readonly RoomChange[], appointmentId: number | null): AuditEvent[] {
  return changes.flatMap((change) => {
    if (change.type !== "participant.joined" && change.type !== "participant.left") return [];
    const action = change.type === "participant.joined" ? "room.joined" : "room.left";
    const about = { appointmentId, subjectUserId: participantUserId(change.identity) };
    return [auditEvent(action, "system", about, Math.floor((change.at || Date.now()) / 1000))];
  });
}
