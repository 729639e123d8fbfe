import { describe, expect, it } from "vitest";
import { type JoinKey, joinKeyFor, personalJoinLink, readJoinKey, signJoinKey } from "../../src/video/join-links";

const secret = "join-link-test-secret";
const startsAt = Date.UTC(2030, 5, 3, 15) / 1000;
const claims: JoinKey = { appointmentId: 7, userId: 201, startsAt, expiresAt: startsAt + 80 * 60 };

/** The key with one character of its signature changed. */
function withTamperedSignature(key: string): string {
  const last = key.at(-2) === "A" ? "B" : "A";
  return `${key.slice(0, -2)}${last}${key.at(-1)}`;
}

describe("personal join keys", () => {
  it("reads back exactly the claims it was signed with, in a short URL-safe text", async () => {
    const key = await signJoinKey(claims, secret);
    expect(key).toMatch(new RegExp(`^7\\.201\\.${startsAt}\\.${startsAt + 4800}\\.[A-Za-z0-9_-]{22}$`));
    expect(encodeURIComponent(key)).toBe(key);
    expect(await readJoinKey(key, secret)).toEqual(claims);
  });

  it("signs each party of each session differently", async () => {
    const keys = await Promise.all([
      signJoinKey(claims, secret),
      signJoinKey({ ...claims, userId: 202 }, secret),
      signJoinKey({ ...claims, appointmentId: 8 }, secret),
    ]);
    expect(new Set(keys.map((key) => key.split(".")[4])).size).toBe(3);
  });

  it("refuses a key signed with another secret", async () => {
    expect(await readJoinKey(await signJoinKey(claims, "another-secret"), secret)).toBeUndefined();
  });

  it("refuses a key whose signature or any of whose numbers was changed", async () => {
    const key = await signJoinKey(claims, secret);
    const [appointmentId, userId, start, expiry, signature] = key.split(".");
    const tampered = [
      withTamperedSignature(key),
      [Number(appointmentId) + 1, userId, start, expiry, signature].join("."),
      [appointmentId, Number(userId) + 1, start, expiry, signature].join("."),
      [appointmentId, userId, Number(start) + 3600, expiry, signature].join("."),
      [appointmentId, userId, start, Number(expiry) + 86_400, signature].join("."),
    ];
    for (const text of tampered) expect(await readJoinKey(text, secret)).toBeUndefined();
  });

  it("refuses a signature spelled another way: base64's spare bits in its last character are not ignored", async () => {
    const key = await signJoinKey(claims, secret);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // 16 bytes fill 22 characters with 4 bits to spare, all zero in the signed spelling: the last
    // character's 15 other spellings decode to the same bytes.
    const last = alphabet.indexOf(key.at(-1)!);
    expect(last % 16).toBe(0);
    for (const spare of [1, 8, 15]) {
      const respelled = `${key.slice(0, -1)}${alphabet[last + spare]}`;
      expect(await readJoinKey(respelled, secret)).toBeUndefined();
    }
  });

  it("refuses the same numbers spelled another way (leading zeros), which were never signed", async () => {
    const [appointmentId, userId, start, expiry, signature] = (await signJoinKey(claims, secret)).split(".");
    expect(await readJoinKey([`0${appointmentId}`, userId, start, expiry, signature].join("."), secret)).toBeUndefined();
    expect(await readJoinKey([appointmentId, `00${userId}`, start, expiry, signature].join("."), secret)).toBeUndefined();
  });

  it.each([
    ["empty", ""],
    ["no signature", `7.201.${startsAt}.${startsAt + 4800}`],
    ["a short signature", `7.201.${startsAt}.${startsAt + 4800}.abc`],
    ["a negative id", `-7.201.${startsAt}.${startsAt + 4800}.AAAAAAAAAAAAAAAAAAAAAA`],
    ["padding", `7.201.${startsAt}.${startsAt + 4800}.AAAAAAAAAAAAAAAAAAAA==`],
    ["a JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"],
  ])("refuses malformed input (%s) without throwing", async (_name, text) => {
    expect(await readJoinKey(text, secret)).toBeUndefined();
  });

  it("leaves expiry to the caller: a key past its life still reads, with the expiry it was given", async () => {
    const expired = { ...claims, startsAt: 1_000_000, expiresAt: 1_004_800 };
    expect(await readJoinKey(await signJoinKey(expired, secret), secret)).toEqual(expired);
  });

  it("gives each party a key for the session's current start that lives until its room closes", () => {
    const session = { appointmentId: 7, startsAt, durationMinutes: 50 };
    // 50 minutes of session and the room's 30 minutes after the end.
    expect(joinKeyFor(session, 201)).toEqual({ appointmentId: 7, userId: 201, startsAt, expiresAt: startsAt + 80 * 60 });
    expect(joinKeyFor({ ...session, durationMinutes: 90 }, 202)).toEqual({
      appointmentId: 7,
      userId: 202,
      startsAt,
      expiresAt: startsAt + 120 * 60,
    });
  });

  it("puts the key in the meeting link's fragment, which browsers never send to a server", () => {
    expect(personalJoinLink("https://practice.example.com/video-session/apt-7", "7.201.1.2.sig")).toBe(
      "https://practice.example.com/video-session/apt-7#k=7.201.1.2.sig",
    );
  });
});
