import { meetingUrl } from "../appointments/views";
import type { Config } from "../base/config";
import type { EmailMessage } from "../providers/email/postmark";
import type { WhatsAppMessage } from "../providers/twilio/messages-client";
import { cleanDisplayName } from "../users/display-name";
import { personalJoinLink } from "../video/join-links";
import { appointmentIcsUid, buildIcs, type IcsPerson } from "./ics";
import type { ClaimedMessage } from "./ledger-claims";
import {
  type AppointmentMessageInput,
  displayName,
  inertText,
  type RenderedMessage,
  reminderTemplateVariables,
  renderNotice,
  renderReminder,
} from "./render";

/** A message ready for a channel's sender: addressed, worded, nothing left to look up. */
export type OutgoingWhatsApp = { channel: "whatsapp" } & WhatsAppMessage;
export type OutgoingEmail = { channel: "email" } & EmailMessage;
export type OutgoingMessage = OutgoingWhatsApp | OutgoingEmail;

export type ComposeSettings = {
  meetingBaseUrl: string;
  /** This service's public origin; its host scopes the calendar invites' UIDs. */
  publicBaseUrl: string;
  /** "Name <address>", the sender and the invites' organizer. */
  emailFrom: string;
  /** WhatsApp content template SIDs by reminder offset in minutes. */
  whatsappTemplates: ReadonlyMap<number, string>;
};

/** How messages are worded and linked, from configuration. */
export function composeSettings(config: Config): ComposeSettings {
  return {
    meetingBaseUrl: config.meetingBaseUrl,
    publicBaseUrl: config.publicBaseUrl,
    emailFrom: config.email.from,
    whatsappTemplates: config.twilio.whatsappTemplates,
  };
}

/**
 * Words a claimed row for its channel, in the recipient's zone and from their side of the
 * appointment. Booking, reschedule and cancellation emails carry the calendar invite (REQUEST,
 * or CANCEL), with the appointment's stable UID and the row's invite revision as SEQUENCE.
 */
export function composeMessage(message: ClaimedMessage, settings: ComposeSettings, now: number, joinKey?: string): OutgoingMessage {
  const link = meetingUrl(settings.meetingBaseUrl, message.video_room_id);
  const input: AppointmentMessageInput = {
    recipient: { name: message.recipient_name, role: message.recipient_role, timezone: message.recipient_timezone },
    otherParty: { name: message.other_name, role: message.recipient_role === "psychologist" ? "patient" : "psychologist" },
    startsAt: message.starts_at,
    durationMinutes: message.duration_minutes,
    // The recipient's own link: their key opens the session without a login, for them alone.
    meetingUrl: link && joinKey ? personalJoinLink(link, joinKey) : (link ?? ""),
    serviceName: message.service_name,
  };
  const rendered = renderFor(message, input, now);
  if (message.channel === "whatsapp") {
    const contentSid = message.kind === "reminder" ? settings.whatsappTemplates.get(message.offset_minutes) : undefined;
    const template = contentSid ? { contentSid, variables: reminderTemplateVariables(input) } : undefined;
    return { channel: "whatsapp", to: message.recipient_phone ?? "", body: rendered.whatsappText, ...(template ? { template } : {}) };
  }
  const calendar = message.kind === "reminder" || !input.meetingUrl ? undefined : calendarInvite(message, input, settings, now);
  return {
    channel: "email",
    to: message.recipient_email,
    subject: rendered.emailSubject,
    textBody: rendered.emailText,
    htmlBody: rendered.emailHtml,
    ...(calendar ? { calendar } : {}),
  };
}

function renderFor(message: ClaimedMessage, input: AppointmentMessageInput, now: number): RenderedMessage {
  switch (message.kind) {
    case "reminder":
      // A reminder sent late (a retry, catch-up after downtime) counts down from the real lead time.
      return renderReminder({
        ...input,
        kind: Math.max(1, Math.min(message.offset_minutes, Math.ceil((message.starts_at - now) / 60))),
        now,
      });
    case "rescheduled":
      return renderNotice({ ...input, kind: "rescheduled", previousStartsAt: message.previous_starts_at ?? message.starts_at });
    default:
      return renderNotice({ ...input, kind: message.kind });
  }
}

function calendarInvite(
  message: ClaimedMessage,
  input: AppointmentMessageInput,
  settings: ComposeSettings,
  now: number,
): EmailMessage["calendar"] {
  const method = message.kind === "cancelled" ? "CANCEL" : "REQUEST";
  const content = buildIcs({
    method,
    uid: appointmentIcsUid(message.appointment_id, new URL(settings.publicBaseUrl).hostname),
    sequence: message.sequence,
    start: message.starts_at,
    durationMinutes: message.duration_minutes,
    summary: `${inertText(message.service_name ?? "") || "Appointment"} with ${displayName(input.otherParty)}`,
    description: method === "CANCEL" ? "This appointment has been cancelled." : `Join the video session: ${input.meetingUrl}`,
    // A cancelled session's link opens nothing (its key is void), so the cancel carries none.
    ...(method === "CANCEL" ? {} : { url: input.meetingUrl }),
    organizer: parseMailbox(settings.emailFrom),
    attendee: { name: cleanDisplayName(message.recipient_name), email: message.recipient_email },
    now,
  });
  return {
    name: method === "CANCEL" ? "cancel.ics" : "invite.ics",
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    content,
  };
}

/** "Practice <no-reply@practice.example.com>" → its name and address; a bare address names itself. */
export function parseMailbox(mailbox: string): IcsPerson {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(mailbox);
  if (!match) return { name: mailbox.trim(), email: mailbox.trim() };
  const email = match[2]!.trim();
  return { name: match[1]!.trim() || email, email };
}
