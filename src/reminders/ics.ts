import { utf8 } from "../crypto/encoding";
import { isoFromSeconds } from "../time/iso";

/**
 * The calendar invite attached to booking, reschedule and cancellation emails: an iTIP (RFC 5546)
 * REQUEST or CANCEL carrying one VEVENT, written to RFC 5545.
 */

export interface IcsPerson {
  name: string;
  email: string;
}

export interface IcsInput {
  /** REQUEST adds or updates the event in the attendee's calendar; CANCEL removes it. */
  method: "REQUEST" | "CANCEL";
  /** The same for every message about one appointment, so calendars update rather than duplicate. */
  uid: string;
  /** Bumped on every reschedule and on cancel; calendars ignore a message older than what they hold. */
  sequence: number;
  /** Unix seconds. */
  start: number;
  durationMinutes: number;
  summary: string;
  description: string;
  /** The recipient's own join link; none on a cancel, since the session no longer opens. */
  url?: string;
  organizer: IcsPerson;
  attendee: IcsPerson;
  /** Unix seconds; becomes DTSTAMP. */
  now: number;
}

const PRODUCT_ID = "-//Telehealth Video Edge//Appointments//EN";
/** RFC 5545 §3.1: content lines SHOULD NOT exceed 75 octets, excluding the line break. */
const MAX_LINE_OCTETS = 75;

/** The UID of an appointment's invites: stable across reschedules and the final cancel. */
export function appointmentIcsUid(appointmentId: number, domain: string): string {
  return `appointment-${appointmentId}@${domain}`;
}

/**
 * Builds the VCALENDAR text: CRLF line endings, folded lines, escaped TEXT, times in UTC.
 *
 * @example buildIcs({ method: "REQUEST", uid: appointmentIcsUid(42, "practice.example.com"), sequence: 0, ... })
 */
export function buildIcs(input: IcsInput): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:${PRODUCT_ID}`,
    "CALSCALE:GREGORIAN",
    `METHOD:${input.method}`,
    "BEGIN:VEVENT",
    `UID:${escapeText(input.uid)}`,
    `SEQUENCE:${input.sequence}`,
    `DTSTAMP:${utcDateTime(input.now)}`,
    `DTSTART:${utcDateTime(input.start)}`,
    `DTEND:${utcDateTime(input.start + input.durationMinutes * 60)}`,
    `SUMMARY:${escapeText(input.summary)}`,
    `DESCRIPTION:${escapeText(input.description)}`,
    // Several clients show LOCATION but not URL; the video link is where the session happens.
    ...(input.url ? [`LOCATION:${escapeText(input.url)}`, `URL:${input.url}`] : []),
    `ORGANIZER;CN=${paramValue(input.organizer.name)}:${mailto(input.organizer.email)}`,
    `ATTENDEE;CN=${paramValue(input.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:${mailto(input.attendee.email)}`,
    `STATUS:${input.method === "CANCEL" ? "CANCELLED" : "CONFIRMED"}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return `${lines.map(foldLine).join("\r\n")}\r\n`;
}

/** RFC 5545 §3.3.5 form 2, UTC: the API's ISO form without separators, "20261101T150000Z". */
function utcDateTime(epochSeconds: number): string {
  return isoFromSeconds(epochSeconds).replace(/[-:]/g, "");
}

/** RFC 5545 §3.3.11: backslash, semicolon and comma are escaped, line breaks become \n. */
function escapeText(text: string): string {
  return text.replace(/[\\;,]/g, (char) => `\\${char}`).replace(/\r\n|\r|\n/g, "\\n");
}

/**
 * A quoted parameter value (RFC 5545 §3.2), which may then hold ":", ";" and ",". A double quote
 * or line break cannot appear even quoted; RFC 6868 caret-encodes them.
 */
function paramValue(text: string): string {
  const encoded = text
    .replace(/\^/g, "^^")
    .replace(/"/g, "^'")
    .replace(/\r\n|\r|\n/g, "^n");
  return `"${encoded}"`;
}

/** A mailto URI; encoding keeps a malformed address from breaking out of its content line. */
function mailto(email: string): string {
  return `mailto:${encodeURI(email)}`;
}

/**
 * RFC 5545 §3.1 folding: a CRLF and one space before every 75th octet. Splits fall between
 * code points so a multi-octet character is never cut in half.
 */
function foldLine(line: string): string {
  let folded = "";
  let octets = 0;
  for (const char of line) {
    const size = utf8(char).length;
    if (octets + size > MAX_LINE_OCTETS) {
      folded += "\r\n ";
      octets = 1;
    }
    folded += char;
    octets += size;
  }
  return folded;
}
