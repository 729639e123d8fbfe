import { describe, expect, it } from "vitest";
import { appointmentIcsUid, buildIcs, type IcsInput } from "../../src/reminders/ics";

const at = (iso: string) => Date.parse(iso) / 1000;
const octets = (text: string) => new TextEncoder().encode(text).length;
/** RFC 5545 §3.1 unfolding: a CRLF followed by one space or tab is removed. */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");

const invite: IcsInput = {
  method: "REQUEST",
  uid: appointmentIcsUid(42, "practice.example.com"),
  sequence: 0,
  start: at("2026-11-16T16:00:00Z"),
  durationMinutes: 50,
  summary: "Video session with Dr. Alan Smith",
  description: "Join: https://practice.example.com/session/a1b2",
  url: "https://practice.example.com/session/a1b2",
  organizer: { name: "Dr. Alan Smith", email: "alan@practice.example.com" },
  attendee: { name: "Jane Doe", email: "jane@example.com" },
  now: at("2026-11-10T12:34:56Z"),
};

describe("buildIcs", () => {
  it("writes a REQUEST with CRLF lines, UTC times and the long line folded", () => {
    expect(buildIcs(invite)).toBe(
      [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Telehealth Video Edge//Appointments//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "UID:appointment-42@practice.example.com",
        "SEQUENCE:0",
        "DTSTAMP:20261110T123456Z",
        "DTSTART:20261116T160000Z",
        "DTEND:20261116T165000Z",
        "SUMMARY:Video session with Dr. Alan Smith",
        "DESCRIPTION:Join: https://practice.example.com/session/a1b2",
        "LOCATION:https://practice.example.com/session/a1b2",
        "URL:https://practice.example.com/session/a1b2",
        'ORGANIZER;CN="Dr. Alan Smith":mailto:alan@practice.example.com',
        'ATTENDEE;CN="Jane Doe";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALS',
        " E:mailto:jane@example.com",
        "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
      ].join("\r\n"),
    );
  });

  it("cancels with METHOD:CANCEL, STATUS:CANCELLED and the bumped SEQUENCE under the same UID", () => {
    const lines = buildIcs({ ...invite, method: "CANCEL", sequence: 2 }).split("\r\n");
    expect(lines).toContain("METHOD:CANCEL");
    expect(lines).toContain("STATUS:CANCELLED");
    expect(lines).toContain("SEQUENCE:2");
    expect(lines).toContain("UID:appointment-42@practice.example.com");
    expect(lines).not.toContain("STATUS:CONFIRMED");
  });

  it("leaves out LOCATION and URL when the invite carries no link (a cancel)", () => {
    const lines = buildIcs({ ...invite, method: "CANCEL", sequence: 2, url: undefined }).split("\r\n");
    expect(lines.filter((line) => /^(LOCATION|URL)[:;]/.test(line))).toEqual([]);
    expect(lines).toContain("STATUS:CANCELLED");
  });

  it("escapes backslash, semicolon, comma and line breaks in TEXT values", () => {
    const ics = unfold(
      buildIcs({ ...invite, summary: "Session; Smith, A. \\ notes", description: "Line one\nLine two\r\nLine three: done" }),
    );
    expect(ics).toContain("\r\nSUMMARY:Session\\; Smith\\, A. \\\\ notes\r\n");
    expect(ics).toContain("\r\nDESCRIPTION:Line one\\nLine two\\nLine three: done\r\n");
  });

  it("quotes names in parameters and caret-encodes what quotes cannot hold", () => {
    const ics = unfold(buildIcs({ ...invite, attendee: { name: 'Doe, Jane "JD": ^\nx', email: "jane@example.com" } }));
    expect(ics).toContain("\r\nATTENDEE;CN=\"Doe, Jane ^'JD^': ^^^nx\";ROLE=");
  });

  it("keeps a malformed address from starting a new content line", () => {
    const ics = buildIcs({ ...invite, attendee: { name: "Jane", email: "jane@example.com\r\nSTATUS:CANCELLED" } });
    expect(ics.split("\r\n")).not.toContain("STATUS:CANCELLED");
  });

  it("folds at 75 octets without splitting a multi-octet character", () => {
    const description = "Séance de thérapie — ünïcödé 😀 ".repeat(12);
    const ics = buildIcs({ ...invite, description });
    expect(ics.endsWith("\r\n")).toBe(true);
    const physical = ics.slice(0, -2).split("\r\n");
    for (const line of physical) {
      expect(line).not.toContain("\n");
      expect(octets(line)).toBeLessThanOrEqual(75);
      expect(line).not.toMatch(/[\uD800-\uDBFF]$|^ ?[\uDC00-\uDFFF]/);
    }
    const first = physical.findIndex((line) => line.startsWith("DESCRIPTION:"));
    const next = physical.findIndex((line, i) => i > first && !line.startsWith(" "));
    const descriptionLines = physical.slice(first, next);
    expect(descriptionLines.length).toBeGreaterThan(5);
    // Full lines, short only by a character that would not fit, so folding wastes no lines.
    expect(descriptionLines.slice(0, -1).every((line) => octets(line) > 71)).toBe(true);
    expect(unfold(ics)).toContain(`\r\nDESCRIPTION:${description}\r\n`);
  });
});
