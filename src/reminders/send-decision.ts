import type { ClaimedMessage } from "./ledger-claims";
import { planReminders } from "./reminder-plan";

export type SendDecision =
  | { action: "send" }
  | { action: "skip"; reason: string }
  /** Not due yet (a clock ahead of ours queued it early): try again at `at`. */
  | { action: "wait"; at: number };

/** A WhatsApp address: E.164, "+" then 7 to 15 digits, the first not a zero. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Whether a claimed row goes out now, decided again from the appointment and the recipient as
 * they are at this moment, however long the row waited in the queue:
 * - a cancellation notice goes out while the appointment stays cancelled;
 * - everything else only while the appointment is live, a telehealth session, at the row's
 *   start (a moved appointment has new rows) and not yet begun;
 * - a reminder only inside its own grace window, and not once a later reminder is due
 *   (`planReminders`, the same rule the cron planned it with);
 * - never against the recipient's opt-ins or without an address to send to.
 */
export function sendDecision(message: ClaimedMessage, offsets: readonly number[], now: number): SendDecision {
  const skip = (reason: string): SendDecision => ({ action: "skip", reason });
  if (message.kind === "cancelled") {
    if (message.appointment_status !== "cancelled") return skip("appointment_not_cancelled");
  } else {
    const closed = appointmentClosedReason(message);
    if (closed) return skip(closed);
    if (message.appointment_starts_at !== message.starts_at) return skip("appointment_moved");
    if (now >= message.starts_at) return skip("appointment_started");
    if (message.kind === "reminder") {
      const allOffsets = offsets.includes(message.offset_minutes) ? offsets : [...offsets, message.offset_minutes];
      const decision = planReminders({ startsAt: message.starts_at, now, offsets: allOffsets }).find(
        (d) => d.offsetMinutes === message.offset_minutes,
      );
      if (decision?.action === "skip") return skip(decision.reason);
      if (decision?.action === "schedule") return { action: "wait", at: decision.sendAt };
    }
    if (!message.video_room_id) return skip("no_video_link");
  }
  if (message.contact_skip_reason) return skip(message.contact_skip_reason);
  if (message.channel === "whatsapp" && !E164.test(message.recipient_phone ?? "")) return skip("invalid_phone_number");
  return { action: "send" };
}

function appointmentClosedReason(message: ClaimedMessage): string | undefined {
  if (message.session_type !== "telehealth") return "not_telehealth";
  switch (message.appointment_status) {
    case "cancelled":
      return "appointment_cancelled";
    case "completed":
      return "appointment_completed";
    case "ongoing":
      return "appointment_started";
    default:
      return undefined;
  }
}
