import { env, runDurableObjectAlarm } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { HttpResponse, http } from "msw";
import { describe, expect, it, vi } from "vitest";
import type { AppointmentRow } from "../../src/appointments/queries";
import { REMINDERS_DEAD_LETTER_QUEUE } from "../../src/reminders/consumer";
import { decodeBase64Utf8, deliver, HOUR, ledgerRows, providerStandIns, runCron, useEmptyLedger } from "../reminders/support";
import { agoraBody, inChannel, inRoom, ROOM_SID, twilioParams } from "../rooms/room-fixtures";
import { call, callJson, origin, type TestUser, tokenFor, withSettings } from "../support/api";
import { bearer, leaksIn, linkKey, loggedEvents, personalData, type Secrets, useCapturedLogs } from "../support/captured-logs";
import { createUser, isoInMinutes, type UserFixture } from "../support/fixtures";
import { useOutboundStandIn } from "../support/outbound";
import { testSettings } from "../support/settings";
import { postAgora, postTwilio, postTwilioMessageStatus, roomOf } from "../webhooks/signed-webhooks";
import { joinKeyOf } from "./video-sessions/join-key";

/**
 * The rule: logs carry ids and outcomes, never an email, phone number, name, token, key or the
 * text of a message. Every console line written while whole flows run is captured: the Worker's
 * routes, its room Durable Objects (they run in this isolate, so the same console; the first test
 * checks lines only the room object writes) and the reminder cron and consumer. Each test then
 * looks for everything personal or secret its flow handled, by value and by shape.
 */

const outbound = useOutboundStandIn();
const { twilio, postmark } = providerStandIns(outbound);
useEmptyLedger();

const logs = useCapturedLogs();
const admin = { id: 1, email: "admin@example.com", role: "admin" as const };

/** Everyone the flows create, with names, emails and phone numbers no log line could hold by chance. */
const people: UserFixture[] = [];
const couples = [
  ["Theodora Quennell", "Bartholomew Yzerman"],
  ["Ignatius Marchbanks", "Clementine Achterberg"],
  ["Perpetua Oyelaran", "Zebulon Featherstone"],
  ["Leocadia Wexford", "Octavia Prendergast"],
  ["Ambrose Tindleworth", "Florentyna Kowalczyk"],
] as const;

async function couple() {
  const [psychologistName, patientName] = couples[people.length / 2]!;
  const person = (name: string, phone: string) => ({
    name,
    email: `${name.toLowerCase().replace(" ", ".")}@quietmind-clinic.test`,
    phone,
    whatsapp_opt_in: true,
  });
  const n = people.length;
  const psychologist = await createUser("psychologist", person(psychologistName, `+1212555${7100 + n}`));
  const patient = await createUser("patient", person(patientName, `+4477009${81100 + n}`));
  people.push(psychologist, patient);
  return { psychologist, patient };
}

/** A service name says what is being treated: health data itself, so it stays out of logs too. */
const serviceName = "Trauma-focused therapy for insomnia";

/** Test settings no log may show: secrets, and the ids that pair with them. */
const settingSecrets = (
  [
    "JWT_SECRET",
    "SESSION_LINK_SECRET",
    "TWILIO_API_KEY_SID",
    "TWILIO_API_KEY_SECRET",
    "TWILIO_AUTH_TOKEN",
    "AGORA_APP_ID",
    "AGORA_APP_CERTIFICATE",
    "AGORA_NCS_SECRET",
    "EMAIL_API_KEY",
  ] as const
).map((name) => [name, testSettings[name]] as const);
const twilioBasicAuth = btoa(`${testSettings.TWILIO_API_KEY_SID}:${testSettings.TWILIO_API_KEY_SECRET}`);
const turnSettings = {
  TURN_KEY_ID: "turn-key-7f3c",
  TURN_KEY_API_TOKEN: "turn-api-token-5be1e0d2",
  TURN_API_BASE_URL: "https://turn.stand-in",
};
const turnUrl = `https://turn.stand-in/v1/turn/keys/${turnSettings.TURN_KEY_ID}/credentials/generate-ice-servers`;

/** What the stand-ins were sent: subjects, every non-trivial line of every text, personal links' keys. */
function sentMessages(): Secrets {
  const texts = [
    ...twilio.requests.map((request) => request.form.Body ?? ""),
    ...postmark.requests.flatMap(({ body }) => [
      body.TextBody,
      body.HtmlBody,
      ...(body.Attachments ?? []).map((attachment: { Content: string }) => decodeBase64Utf8(attachment.Content)),
    ]),
  ];
  const lines = texts.flatMap((text) => text.split(/\r?\n/).map((line: string) => line.trim()));
  const keys = texts.flatMap((text) => [...text.matchAll(/#k=([^\s"<&]+)/g)].map((match) => match[1]!));
  return [
    ...postmark.requests.map(({ body }) => ["an email subject", body.Subject] as const),
    ...lines.filter((line) => line.length >= 12).map((line) => ["a line of a message", line] as const),
    ...keys.flatMap(linkKey),
  ];
}

/** The rule, checked on what this test logged, after making sure the flow logged what it should. */
function expectNothingPersonalLogged(secrets: Secrets, events: string[]) {
  expect(loggedEvents(logs.lines)).toEqual(expect.arrayContaining(events));
  const everything: Secrets = [
    ...people.flatMap(personalData),
    ...settingSecrets,
    ["the Twilio API key as basic auth", twilioBasicAuth],
    ...secrets,
  ];
  expect(leaksIn(logs.lines, everything)).toEqual([]);
}

const book = (as: TestUser, body: Record<string, unknown>) =>
  callJson("/api/appointments/", { method: "POST", as, body: { duration_minutes: 50, session_type: "telehealth", ...body } });

const rowOf = async (id: number) => (await env.DB.prepare("SELECT * FROM appointments WHERE id = ?").bind(id).first<AppointmentRow>())!;

/** The ledger rows of an appointment's notice, which the change queued itself (to a queue nothing consumes here). */
const noticesOf = async (appointmentId: number, kind: "booked" | "cancelled") =>
  (await ledgerRows(appointmentId)).filter((row) => row.kind === kind).map((row) => row.id);

/**
 * A provider's error answer that quotes the person, as Twilio's and Postmark's messages do: in
 * Twilio's shape (`code`, `message`; 20429 and 20500 are Twilio's codes for 429 and 500) and Postmark's
 * (`ErrorCode`, `Message`) at once.
 */
const quoting =
  (status: number, who: UserFixture, twilioCode = 20_000 + status) =>
  () =>
    HttpResponse.json(
      {
        code: twilioCode,
        message: `The 'To' number ${who.phone} (${who.name}) is not valid`,
        ErrorCode: 300,
        Message: `Invalid 'To' address: ${who.email}`,
      },
      { status },
    );

describe("No PHI in logs: no email, phone, name, token, key or message text in any log line", () => {
  it("while booking, reading, getting Twilio tokens and rooms, and Twilio's room webhooks arrive", async () => {
    const { psychologist, patient } = await couple();
    const booked = await book(psychologist, {
      patient_id: patient.id,
      appointment_date: isoInMinutes(5),
      video_provider: "twilio",
      service_name: serviceName,
    });
    expect(booked.status).toBe(201);
    const { id, video_room_id: room } = booked.body;

    for (const [path, as] of [
      [`/api/appointments/${id}/`, patient],
      ["/api/appointments/", psychologist],
      ["/api/appointments/psychologist/schedule/", psychologist],
      ["/api/appointments/patient/schedule/", patient],
      ["/api/users/me", patient],
    ] as const) {
      expect((await call(path, { as })).status, path).toBe(200);
    }
    const profile = { name: patient.name, phone: patient.phone, timezone: "Europe/London", whatsapp_opt_in: true };
    expect((await call("/api/users/me", { method: "PUT", as: patient, body: profile })).status).toBe(200);
    const sync = { email: psychologist.email, role: "psychologist", name: psychologist.name, phone: psychologist.phone };
    expect((await call(`/api/admin/users/${psychologist.id}/`, { method: "PUT", as: admin, body: sync })).status).toBe(200);
    // A caller whose token fails to verify: its claims hold the email.
    const forged = await tokenFor(patient, { exp: Math.floor(Date.now() / 1000) - 60 });
    expect((await call(`/api/appointments/${id}/`, { token: forged })).status).toBe(401);

    const token = await callJson(`/api/appointments/video-token/${id}/`, { as: patient });
    const refreshed = await callJson(`/api/appointments/video-token-refresh/${id}/`, { as: psychologist });
    expect([token.status, refreshed.status]).toEqual([200, 200]);
    const unconfigured = await withSettings({ TWILIO_API_KEY_SECRET: "" }, () =>
      callJson(`/api/appointments/video-token/${id}/`, { as: patient }),
    );
    expect(unconfigured.status).toBe(500);

    outbound.use(
      http.post("https://video.twilio.stand-in/v1/Rooms", () =>
        HttpResponse.json({ sid: ROOM_SID, unique_name: room, status: "in-progress" }, { status: 201 }),
      ),
    );
    expect((await call(`/api/appointments/video-room/${id}/`, { method: "POST", as: psychologist })).status).toBe(201);
    outbound.use(http.post("https://video.twilio.stand-in/v1/Rooms", quoting(500, patient)));
    expect((await call(`/api/appointments/video-room/${id}/`, { method: "POST", as: patient })).status).toBe(502);

    // Twilio names each participant by the identity we gave it: user id and email.
    const at = (second: number) => Date.now() - 60_000 + second * 1000;
    const inOurRoom = (event: string, sequence: number, who?: UserFixture) =>
      inRoom(
        twilioParams(
          event,
          at(sequence),
          sequence,
          who && { sid: `PA${String(who.id).padStart(32, "0")}`, identity: `${who.id}-${who.email}` },
        ),
        room,
      );
    for (const params of [
      inOurRoom("room-created", 0),
      inOurRoom("participant-connected", 1, psychologist),
      inOurRoom("participant-connected", 2, patient),
    ]) {
      expect((await postTwilio(params)).status).toBe(200);
    }
    expect((await call(`/api/appointments/video-status/${id}/`, { as: patient })).status).toBe(200);
    // The room's alarm asks Twilio who is connected; Twilio fails, naming someone.
    outbound.use(http.get(`https://video.twilio.stand-in/v1/Rooms/${ROOM_SID}/Participants`, quoting(500, psychologist)));
    expect(await runDurableObjectAlarm(roomOf(room))).toBe(true);
    // A callback for a room no appointment owns, as another product on the account would send.
    expect((await postTwilio(inRoom(inOurRoom("participant-connected", 3, patient), "elsewhere"))).status).toBe(200);
    for (const params of [inOurRoom("participant-disconnected", 4, patient), inOurRoom("room-ended", 5)]) {
      expect((await postTwilio(params)).status).toBe(200);
    }
    // The room ended before the booked end, so the session stays ongoing for the parties to rejoin.
    expect((await rowOf(id)).status).toBe("ongoing");

    expectNothingPersonalLogged(
      [
        ...bearer("a Twilio token", token.body.access_token),
        ...bearer("a Twilio token", refreshed.body.access_token),
        ["the service name", serviceName],
      ],
      [
        "video_token_issued",
        "settings_missing",
        "twilio_room_ready",
        // Logged by the room's Durable Object: its console is the one captured here.
        "room_heal_failed",
        "room_event_ignored",
      ],
    );
  });

  it("while booking an Agora call, joining, renewing, its webhooks arrive and it ends", async () => {
    const { psychologist: doctor, patient } = await couple();
    const calls = "/api/v1/video/video-calls/";
    const booked = await callJson(calls, {
      method: "POST",
      as: patient,
      body: { doctor: doctor.id, patient: patient.id, scheduled_time: isoInMinutes(5) },
    });
    expect(booked.status).toBe(201);
    const { id, channel_name: channel } = booked.body;
    expect((await call(`${calls}${id}/`, { as: doctor })).status).toBe(200);
    expect((await call(calls, { as: patient })).status).toBe(200);

    const joins = [
      await callJson(`${calls}${id}/join/`, { method: "POST", as: doctor }),
      await callJson(`${calls}${id}/join/`, { method: "POST", as: patient }),
    ];
    const renewed = await callJson(`${calls}${id}/token/`, { method: "POST", as: patient });
    expect([...joins, renewed].map((r) => r.status)).toEqual([200, 200, 200]);
    const unconfigured = await withSettings({ AGORA_APP_CERTIFICATE: "" }, () =>
      callJson(`${calls}${id}/token/`, { method: "POST", as: doctor }),
    );
    expect(unconfigured.status).toBe(500);

    const at = Date.now() - 60_000;
    // Agora names each user by uid, our user id.
    for (const body of [
      agoraBody(101, at),
      agoraBody(103, at + 1000, { uid: doctor.id, clientSeq: 1 }),
      agoraBody(103, at + 2000, { uid: patient.id, clientSeq: 1 }),
    ]) {
      expect((await postAgora(inChannel(body, channel))).status).toBe(200);
    }
    expect((await call(`${calls}${id}/status/`, { as: doctor })).status).toBe(200);
    expect((await postAgora(inChannel(agoraBody(103, at + 3000, { uid: patient.id, clientSeq: 2 }), "elsewhere"))).status).toBe(200);
    expect((await postAgora(inChannel(agoraBody(104, at + 4000, { uid: patient.id, clientSeq: 3 }), channel))).status).toBe(200);
    expect((await call(`${calls}${id}/end/`, { method: "POST", as: doctor })).status).toBe(200);

    expectNothingPersonalLogged(
      [...joins, renewed].flatMap((r) => bearer("an Agora token", r.body.token)),
      ["video_token_issued", "settings_missing", "room_event_ignored"],
    );
  });

  it("while a personal join link is redeemed for a built-in (webrtc) session, with TURN up and down", async () => {
    const { psychologist, patient } = await couple();
    const booked = await book(patient, { psychologist_id: psychologist.id, appointment_date: isoInMinutes(5), video_provider: "webrtc" });
    expect(booked.status).toBe(201);
    const row = await rowOf(booked.body.id);
    const room = row.video_room_id!;
    const key = await joinKeyOf(row, patient.id);

    const redeemed = await callJson(`/api/video-sessions/${room}/redeem/`, { method: "POST", body: { key } });
    expect(redeemed.status).toBe(200);
    const sessionToken: string = redeemed.body.token;
    const tampered = `${key.slice(0, -4)}AAAA`;
    expect((await call(`/api/video-sessions/${room}/redeem/`, { method: "POST", body: { key: tampered } })).status).toBe(403);

    const credential = "turn-credential-93a1f0";
    outbound.use(
      http.post(turnUrl, () =>
        HttpResponse.json({ iceServers: [{ urls: ["turn:turn.stand-in:3478"], username: "turn-user-4c2d", credential }] }),
      ),
    );
    const session = await withSettings(turnSettings, () => callJson(`/api/video-sessions/${room}/`, { token: sessionToken }));
    expect(session.body.connection.ice_servers[0].credential).toBe(credential);
    outbound.use(http.post(turnUrl, quoting(500, patient)));
    const refreshed = await withSettings(turnSettings, () =>
      callJson(`/api/video-sessions/${room}/refresh/`, { method: "POST", token: sessionToken }),
    );
    expect(refreshed.status).toBe(200);
    expect((await call(`/api/video-sessions/${room}/`, { as: psychologist })).status).toBe(200);

    // The page's signalling socket, the session token offered as a subprotocol; the room object admits it.
    const upgrade = await exports.default.fetch(
      new Request(`${origin}/api/video-sessions/${room}/signal/`, {
        headers: { upgrade: "websocket", "sec-websocket-protocol": `bearer, ${sessionToken}` },
      }),
    );
    expect(upgrade.status).toBe(101);
    const socket = upgrade.webSocket!;
    const received: string[] = [];
    socket.addEventListener("message", (event) => {
      received.push(event.data as string);
    });
    socket.accept();
    await vi.waitFor(() => expect(received).toHaveLength(1));
    socket.close(1000, "left");
    await vi.waitFor(async () =>
      expect((await callJson(`/api/appointments/video-status/${row.id}/`, { as: psychologist })).body.participants_count).toBe(0),
    );

    expectNothingPersonalLogged(
      [
        ...linkKey(key),
        ...linkKey(tampered),
        ...bearer("a session token", sessionToken),
        ["a TURN credential", credential],
        ["the TURN API token", turnSettings.TURN_KEY_API_TOKEN],
      ],
      ["join_link_redeemed", "join_link_refused", "video_token_issued", "turn_unavailable"],
    );
  });

  it("while reminders go out by WhatsApp and email, providers fail and recover, and delivery is reported", async () => {
    const { psychologist, patient } = await couple();
    const booked = await book(admin, {
      psychologist_id: psychologist.id,
      patient_id: patient.id,
      appointment_date: isoInMinutes(2 * 24 * 60),
      service_name: serviceName,
    });
    expect(booked.status).toBe(201);
    const startsAt = (await rowOf(booked.body.id)).starts_at;

    // The booking notices, as the queue hands them to the consumer.
    const bookedAt = Math.floor(Date.now() / 1000);
    expect((await deliver(await noticesOf(booked.body.id, "booked"), { now: bookedAt })).explicitAcks).toHaveLength(4);

    // The hour reminders: Twilio and Postmark fail, quoting the recipient, then recover or give up.
    const now = startsAt - HOUR;
    const reminders = await runCron(now);
    expect(reminders).toHaveLength(4);
    twilio.fail(quoting(429, patient), quoting(400, psychologist, 21211));
    postmark.fail(quoting(500, patient), quoting(503, psychologist));
    await deliver(reminders, { now });
    postmark.fail(quoting(503, patient));
    await deliver(reminders, { now: now + 60, attempts: 2 });
    await deliver(reminders, { now: now + 120, queue: REMINDERS_DEAD_LETTER_QUEUE, attempts: 6 });

    // Twilio reports the delivery of a sent message, naming the number it went to.
    const sent = await env.DB.prepare("SELECT provider_message_id FROM reminders WHERE provider_message_id LIKE 'SM%' LIMIT 1").first<{
      provider_message_id: string;
    }>();
    const delivered = await postTwilioMessageStatus([
      ["AccountSid", testSettings.TWILIO_ACCOUNT_SID],
      ["MessageSid", sent!.provider_message_id],
      ["MessageStatus", "delivered"],
      ["From", `whatsapp:${testSettings.TWILIO_WHATSAPP_FROM}`],
      ["To", `whatsapp:${patient.phone}`],
    ]);
    expect(delivered.status).toBe(204);

    expect(twilio.requests.length + postmark.requests.length).toBeGreaterThanOrEqual(10);
    expectNothingPersonalLogged(
      [...sentMessages(), ["the service name", serviceName]],
      ["reminder_cron", "reminder_batch", "reminder_send_retry", "reminder_send_failed", "reminder_retries_exhausted", "whatsapp_status"],
    );
  });

  it("while appointments and calls are cancelled, and the cancellations are sent", async () => {
    const { psychologist, patient } = await couple();
    const twilioBooking = await book(psychologist, {
      patient_id: patient.id,
      appointment_date: isoInMinutes(24 * 60),
      service_name: serviceName,
    });
    const agoraBooking = await callJson("/api/v1/video/video-calls/", {
      method: "POST",
      as: psychologist,
      body: { doctor: psychologist.id, patient: patient.id, scheduled_time: isoInMinutes(3 * 24 * 60) },
    });
    expect([twilioBooking.status, agoraBooking.status]).toEqual([201, 201]);
    const row = await rowOf(twilioBooking.body.id);
    const key = await joinKeyOf(row, patient.id);

    const cancelled = await call(`/api/appointments/${row.id}/`, { method: "PATCH", as: patient, body: { status: "cancelled" } });
    expect(cancelled.status).toBe(200);
    expect((await call(`/api/v1/video/video-calls/${agoraBooking.body.id}/cancel/`, { method: "POST", as: admin })).status).toBe(200);
    // The cancelled session's personal link no longer opens it.
    expect((await call(`/api/video-sessions/${row.video_room_id}/redeem/`, { method: "POST", body: { key } })).status).toBe(403);

    const now = Math.floor(Date.now() / 1000);
    const notices = [...(await noticesOf(row.id, "cancelled")), ...(await noticesOf(agoraBooking.body.id, "cancelled"))];
    expect((await deliver(notices, { now })).explicitAcks).toHaveLength(8);
    expect(postmark.requests.map(({ body }) => body.Subject)).toEqual(expect.arrayContaining([expect.stringMatching(/cancel/i)]));

    expectNothingPersonalLogged(
      [...sentMessages(), ...linkKey(key), ["the service name", serviceName]],
      ["join_link_refused", "reminder_batch"],
    );
  });
});
