import { cleanDisplayName } from "../users/display-name";
import { localDateTime, localTime, relativeDay } from "./local-time";
import { type RenderedMessage, renderMessage } from "./message";

/**
 * The words of every reminder and notice. Times are in the recipient's own zone; the other
 * party is "Dr. <name>" for a patient and the patient's name for a psychologist.
 */

export type PartyRole = "patient" | "psychologist";

export interface MessageParty {
  name: string;
  role: PartyRole;
}

export interface MessageRecipient extends MessageParty {
  /** IANA zone the recipient reads times in. */
  timezone: string;
}

export interface AppointmentMessageInput {
  recipient: MessageRecipient;
  otherParty: MessageParty;
  /** Unix seconds. */
  startsAt: number;
  durationMinutes: number;
  meetingUrl: string;
  serviceName?: string | null;
}

export interface ReminderInput extends AppointmentMessageInput {
  /** Minutes before the start this reminder stands for: 1440, 60, 15 or any configured offset. */
  kind: number;
  /** When the message is sent, unix seconds: "tomorrow" is relative to it. */
  now: number;
}

export type NoticeInput = AppointmentMessageInput & ({ kind: "booked" | "cancelled" } | { kind: "rescheduled"; previousStartsAt: number });

export type { RenderedMessage };

/** From 12 hours ahead a reminder names the day; closer in, it counts down to the start. */
const DAY_AHEAD_MINUTES = 12 * 60;
/** At 15 minutes or less the message turns into "join now". */
const JOIN_NOW_MINUTES = 15;
const JOIN_EARLY_TIP = "Tip: Join 5 minutes early!";

/**
 * Renders the reminder sent `kind` minutes before an appointment.
 *
 * @example renderReminder({ kind: 60, now, recipient, otherParty, startsAt, durationMinutes: 50, meetingUrl }).whatsappText
 * // "Starting in 1 Hour\n\nHi Jane, your appointment with Dr. Smith starts at 11:00 AM.\n\nJoin here: https://…"
 */
export function renderReminder(input: ReminderInput): RenderedMessage {
  const { recipient, startsAt, kind } = input;
  const zone = recipient.timezone;
  const other = displayName(input.otherParty);
  if (kind >= DAY_AHEAD_MINUTES) {
    const day = relativeDay(input.now, startsAt, zone);
    return renderAppointmentCard(input, {
      subject: `Reminder: your appointment with ${other} is ${day} at ${localTime(startsAt, zone)}`,
      title: "Appointment Reminder",
      opening: `your appointment is ${day}:`,
      whenLines: [`When: ${localDateTime(startsAt, zone)}`],
      closing: [JOIN_EARLY_TIP],
    });
  }
  const joinNow = kind <= JOIN_NOW_MINUTES;
  const countdown = `Starting in ${spanTitle(kind)}`;
  return renderMessage({
    subject: `${countdown}: your appointment with ${other}`,
    title: joinNow ? `${countdown}!` : countdown,
    opening: `${greeting(recipient)} your appointment with ${other} starts at ${localTime(startsAt, zone)}.`,
    details: [],
    link: { label: joinNow ? "Join now" : "Join here", url: input.meetingUrl },
    closing: joinNow ? ["Test your camera & mic!"] : [],
    timeZone: zone,
  });
}

/** Renders the notice sent right away when an appointment is booked, moved or cancelled. */
export function renderNotice(input: NoticeInput): RenderedMessage {
  const when = localDateTime(input.startsAt, input.recipient.timezone);
  const wording = noticeWording(input, when);
  return renderAppointmentCard(input, { ...wording, subject: `${wording.title}: ${when} with ${displayName(input.otherParty)}` });
}

function noticeWording(input: NoticeInput, when: string): Omit<CardWording, "subject"> {
  switch (input.kind) {
    case "booked":
      return {
        title: "Appointment Confirmed",
        opening: "your appointment is booked:",
        whenLines: [`When: ${when}`],
        closing: [JOIN_EARLY_TIP],
      };
    case "rescheduled": {
      const previous = localDateTime(input.previousStartsAt, input.recipient.timezone);
      return {
        title: "Appointment Rescheduled",
        opening: "your appointment has a new time:",
        whenLines: [`Was: ${previous}`, `Now: ${when}`],
        closing: [],
      };
    }
    case "cancelled":
      return {
        title: "Appointment Cancelled",
        opening: "your appointment has been cancelled:",
        whenLines: [`When: ${when}`],
        closing: [],
        withoutLink: true,
      };
  }
}

/**
 * The numbered variables of the approved WhatsApp content templates that replace the reminder
 * text when TWILIO_WHATSAPP_CONTENT_SID_24H/1H/15M are set: 1 the recipient's name, 2 the other
 * party, 3 the start in the recipient's zone, 4 the video link. Twilio rejects an empty or
 * multi-line variable, so none is.
 *
 * @example reminderTemplateVariables(input) // { "1": "Jane Doe", "2": "Dr. Alan Smith", "3": "Monday, November 16 at 11:00 AM", "4": "https://…" }
 */
export function reminderTemplateVariables(input: AppointmentMessageInput): Record<string, string> {
  return {
    "1": inertText(input.recipient.name) || "there",
    "2": displayName(input.otherParty),
    "3": localDateTime(input.startsAt, input.recipient.timezone),
    "4": input.meetingUrl,
  };
}

interface CardWording {
  subject: string;
  title: string;
  /** Follows the greeting. */
  opening: string;
  whenLines: string[];
  closing: string[];
  /** A cancelled session has no link worth following. */
  withoutLink?: boolean;
}

/** The full picture of one appointment (when, with whom, how long, the link) under a headline. */
function renderAppointmentCard(input: AppointmentMessageInput, wording: CardWording): RenderedMessage {
  return renderMessage({
    subject: wording.subject,
    title: wording.title,
    opening: `${greeting(input.recipient)} ${wording.opening}`,
    details: appointmentDetails(input, wording.whenLines),
    link: wording.withoutLink ? undefined : { label: "Video Link", url: input.meetingUrl },
    closing: wording.closing,
    timeZone: input.recipient.timezone,
  });
}

function appointmentDetails(input: AppointmentMessageInput, whenLines: string[]): string[] {
  const service = input.serviceName ? inertText(input.serviceName) : "";
  return [
    ...whenLines,
    `With: ${displayName(input.otherParty)}`,
    ...(service ? [`Service: ${service}`] : []),
    `Duration: ${plural(input.durationMinutes, "minute")}`,
  ];
}

function greeting(recipient: MessageParty): string {
  const name = inertText(recipient.name);
  return name ? `Hi ${name},` : "Hi,";
}

/** The name a party goes by in the other's messages; a stored "Dr." prefix is not doubled. */
export function displayName(party: MessageParty): string {
  const name = inertText(party.name);
  if (party.role === "patient") return name || "your patient";
  const withoutTitle = name.replace(/^dr\.?\s+/i, "");
  return withoutTitle ? `Dr. ${withoutTitle}` : "your psychologist";
}

/**
 * Names (and the service name) are data in a message, never its layout or its links: whoever
 * typed them must not be able to add a line or a link that reads as ours. So each is cleaned again
 * (rows stored before names were cleaned on entry), which leaves one line; then every dot or
 * colon directly followed by a non-space gets a space after it, so no WhatsApp or email client
 * finds a scheme, a host or an address to link: "https://evil.example/x" reads
 * "https: //evil. example/x". Full-width and ideographic dots count too, since linkifiers accept
 * them in host names. The only link in a message is the join link we put there.
 *
 * @example inertText("Join here: https://evil.example/x") // "Join here: https: //evil. example/x"
 */
export function inertText(text: string): string {
  return cleanDisplayName(text).replace(/([.:\u3002\uFF0E\uFF61])(?=\S)/gu, "$1 ");
}

/** "1 Hour", "15 Minutes", "1 Hour 30 Minutes": the countdown in a reminder's title. */
function spanTitle(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts = [hours ? plural(hours, "Hour") : "", rest ? plural(rest, "Minute") : ""];
  return parts.filter(Boolean).join(" ");
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}
