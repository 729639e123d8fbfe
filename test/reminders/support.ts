import { createExecutionContext, createMessageBatch, env, getQueueResult, type QueueResult } from "cloudflare:test";
import { HttpResponse, http } from "msw";
import { beforeEach } from "vitest";
import type { AppointmentRow } from "../../src/appointments/queries";
import { parseConfig } from "../../src/base/config";
import { handleReminderQueue, REMINDERS_QUEUE } from "../../src/reminders/consumer";
import { runReminderCron } from "../../src/reminders/cron";
import type { ReminderQueueMessage } from "../../src/reminders/enqueue";
import type { ReminderRow } from "../../src/reminders/ledger";
import { joinKeyFor, personalJoinLink, signJoinKey } from "../../src/video/join-links";
import { createUser, type UserFixture } from "../support/fixtures";
import { sentForm, type useOutboundStandIn } from "../support/outbound";

export const MINUTE = 60;
export const HOUR = 3600;

let week = 0;
/**
 * A start in its own week of 2030, so the cron's 24-hour look-ahead in one test never sees
 * another test's appointments (D1 is shared by the tests of a file).
 */
export function freshStart(hourUtc = 15): number {
  week += 1;
  return Date.UTC(2030, 0, 7 * week, hourUtc) / 1000;
}

/** The ledger and outbox emptied before each test: the cron's sweep reads every open row. */
export function useEmptyLedger() {
  beforeEach(async () => {
    await env.DB.batch(
      ["DELETE FROM outbox", "DELETE FROM reminders", "DELETE FROM appointment_invites"].map((sql) => env.DB.prepare(sql)),
    );
  });
}

/** Both parties opted in to WhatsApp and email, with phone numbers, unless told otherwise. */
export async function parties(
  overrides: { psychologist?: Parameters<typeof createUser>[1]; patient?: Parameters<typeof createUser>[1] } = {},
) {
  const psychologist = await createUser("psychologist", {
    name: "Alan Smith",
    phone: "+15550000101",
    whatsapp_opt_in: true,
    ...overrides.psychologist,
  });
  const patient = await createUser("patient", { name: "Jane Doe", phone: "+15550000201", whatsapp_opt_in: true, ...overrides.patient });
  return { psychologist, patient };
}

/** An appointment row at an absolute start, written straight to D1. */
export async function appointmentAt(
  startsAt: number,
  { psychologist, patient }: { psychologist: UserFixture; patient: UserFixture },
  fields: {
    status?: AppointmentRow["status"];
    sessionType?: AppointmentRow["session_type"];
    durationMinutes?: number;
    serviceName?: string | null;
  } = {},
): Promise<AppointmentRow> {
  const sessionType = fields.sessionType ?? "telehealth";
  const row = await env.DB.prepare(
    `INSERT INTO appointments (psychologist_id, patient_id, starts_at, duration_minutes, status, session_type, service_name,
       video_provider, video_room_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'twilio', ?, 0, 0) RETURNING *`,
  )
    .bind(
      psychologist.id,
      patient.id,
      startsAt,
      fields.durationMinutes ?? 50,
      fields.status ?? "scheduled",
      sessionType,
      fields.serviceName === undefined ? "Individual Therapy" : fields.serviceName,
      sessionType === "telehealth" ? `apt-r${startsAt}-${patient.id}` : null,
    )
    .first<AppointmentRow>();
  return row!;
}

export function meetingUrlOf(appointment: AppointmentRow): string {
  return `https://practice.example.com/video-session/${appointment.video_room_id}`;
}

/** The meeting link a reminder gives one party: with their own join key in its fragment. */
export async function personalMeetingUrlOf(appointment: AppointmentRow, userId: number): Promise<string> {
  const session = { appointmentId: appointment.id, startsAt: appointment.starts_at, durationMinutes: appointment.duration_minutes };
  return personalJoinLink(meetingUrlOf(appointment), await signJoinKey(joinKeyFor(session, userId), env.SESSION_LINK_SECRET));
}

export async function ledgerRows(appointmentId: number): Promise<ReminderRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT * FROM reminders WHERE appointment_id = ? ORDER BY starts_at, kind DESC, offset_minutes DESC, recipient_id, channel DESC",
  )
    .bind(appointmentId)
    .all<ReminderRow>();
  return results;
}

/**
 * One line per row: "kind offset recipient channel status reason", easy to compare whole. In
 * start, kind and offset order, then the psychologist (created first by `parties`), WhatsApp first.
 */
export async function ledgerLines(appointment: AppointmentRow): Promise<string[]> {
  return (await ledgerRows(appointment.id)).map((row) => {
    const who = row.recipient_id === appointment.psychologist_id ? "psychologist" : "patient";
    const what = row.kind === "reminder" ? `reminder ${row.offset_minutes}` : row.kind;
    return [what, who, row.channel, row.status, row.skip_reason].filter(Boolean).join(" ");
  });
}

/** A queue that records what the cron sends it. */
export function recordingQueue() {
  const sent: number[] = [];
  const queue = {
    async send(body: ReminderQueueMessage) {
      sent.push(body.reminderId);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<ReminderQueueMessage>>) {
      for (const message of messages) sent.push(message.body.reminderId);
    },
  };
  return { queue: queue as unknown as Queue, sent };
}

/** One cron pass at `now` (unix seconds); returns the ids it queued. */
export async function runCron(now: number, overrides: Partial<Env> = {}): Promise<number[]> {
  const { queue, sent } = recordingQueue();
  await runReminderCron({ DB: env.DB, REMINDERS_QUEUE: queue }, parseConfig({ ...env, ...overrides }), now);
  return sent;
}

let messageSeq = 0;

/**
 * Delivers one queue batch of `ids` to the consumer at `now`, as delivery number `attempts`, over `db`.
 * `retryDelays` lists each retried message's delay, which `getQueueResult` does not report.
 */
export async function deliver(
  ids: readonly number[],
  {
    now,
    attempts = 1,
    queue = REMINDERS_QUEUE,
    overrides = {},
    db = env.DB,
  }: { now: number; attempts?: number; queue?: string; overrides?: Partial<Env>; db?: D1Database },
): Promise<QueueResult & { retryDelays: (number | undefined)[] }> {
  const batch = createMessageBatch<ReminderQueueMessage>(
    queue,
    ids.map((reminderId) => ({ id: `msg-${++messageSeq}`, timestamp: now * 1000, attempts, body: { reminderId } })),
  );
  const retryDelays: (number | undefined)[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      retryDelays.push(options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await handleReminderQueue(batch, db, parseConfig({ ...env, ...overrides }), now);
  return { ...(await getQueueResult(batch, ctx)), retryDelays };
}

export type TwilioRequest = { path: string; authorization: string | null; contentType: string | null; form: Record<string, string> };
export type PostmarkRequest = { token: string | null; contentType: string | null; accept: string | null; body: Record<string, any> };
type Scripted = () => Response | Promise<Response>;

/**
 * MSW stand-ins for Twilio's Messages API and Postmark's Email API that record every request.
 * Each answers success unless a test scripts failures first (`twilio.fail(...)`).
 */
export function providerStandIns(server: ReturnType<typeof useOutboundStandIn>) {
  const twilio = {
    requests: [] as TwilioRequest[],
    scripted: [] as Scripted[],
    fail: (...responses: Scripted[]) => twilio.scripted.push(...responses),
  };
  const postmark = {
    requests: [] as PostmarkRequest[],
    scripted: [] as Scripted[],
    fail: (...responses: Scripted[]) => postmark.scripted.push(...responses),
  };
  beforeEach(() => {
    twilio.requests.length = twilio.scripted.length = 0;
    postmark.requests.length = postmark.scripted.length = 0;
    server.use(
      http.post("https://api.twilio.stand-in/2010-04-01/Accounts/:accountSid/Messages.json", async ({ request }) => {
        const form = Object.fromEntries(await sentForm(request));
        twilio.requests.push({
          path: new URL(request.url).pathname,
          authorization: request.headers.get("authorization"),
          contentType: request.headers.get("content-type"),
          form,
        });
        const scripted = twilio.scripted.shift();
        return scripted
          ? await scripted()
          : HttpResponse.json({ sid: `SM${String(twilio.requests.length).padStart(32, "0")}`, status: "queued" }, { status: 201 });
      }),
      http.post("https://email.stand-in/email", async ({ request }) => {
        postmark.requests.push({
          token: request.headers.get("x-postmark-server-token"),
          contentType: request.headers.get("content-type"),
          accept: request.headers.get("accept"),
          body: (await request.json()) as Record<string, any>,
        });
        const scripted = postmark.scripted.shift();
        return scripted
          ? await scripted()
          : HttpResponse.json({
              To: "x",
              SubmittedAt: "2030-01-01T00:00:00Z",
              MessageID: `pm-${postmark.requests.length}`,
              ErrorCode: 0,
              Message: "OK",
            });
      }),
    );
  });
  return { twilio, postmark };
}

export function decodeBase64Utf8(text: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
}
