import { z } from "@hono/zod-openapi";
import { toBase64, utf8 } from "../../crypto/encoding";
import { fetchWithTimeout } from "../provider-fetch";
import { jsonOrUndefined, type SendResult, sendFailed } from "../send-result";

/** Postmark's Email API: one server token, and a base URL overridable for stand-ins. */
/** `timeoutMs`: how long Postmark gets to answer. */
export type PostmarkCredentials = { baseUrl: string; serverToken: string; timeoutMs: number };

/** One email: HTML and plain text, and a calendar invite to attach. */
export type EmailMessage = {
  to: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  calendar?: { name: string; contentType: string; content: string };
};

export type EmailSenderSettings = {
  /** "Name <address>" of a confirmed Postmark sender signature (EMAIL_FROM). */
  from: string;
  /** Postmark's default transactional stream. */
  messageStream?: string;
};

const sentSchema = z.object({ MessageID: z.string().min(1), ErrorCode: z.literal(0) });
const errorSchema = z.object({ ErrorCode: z.number() });

/** The JSON body of `POST /email`: HTML and plain text, the invite as a base64 attachment. */
export function postmarkEmailBody(email: EmailMessage, settings: EmailSenderSettings) {
  return {
    From: settings.from,
    To: email.to,
    Subject: email.subject,
    HtmlBody: email.htmlBody,
    TextBody: email.textBody,
    MessageStream: settings.messageStream ?? "outbound",
    ...(email.calendar
      ? {
          Attachments: [
            { Name: email.calendar.name, Content: toBase64(utf8(email.calendar.content)), ContentType: email.calendar.contentType },
          ],
        }
      : {}),
  };
}

/**
 * Sends one email. Postmark answers 200 with `ErrorCode: 0` and a `MessageID`; 422 with its own
 * `ErrorCode` for a request it refuses (e.g. 406, an inactive recipient), which sending again
 * cannot fix; 429 and 5xx are retried.
 *
 * @example await sendPostmarkEmail({ baseUrl: "https://api.postmarkapp.com", serverToken, timeoutMs: 10_000 }, { from: "Practice <no-reply@…>" }, email)
 */
export async function sendPostmarkEmail(
  credentials: PostmarkCredentials,
  settings: EmailSenderSettings,
  email: EmailMessage,
): Promise<SendResult> {
  // One attempt: a send is not safe to repeat (one that timed out may have been accepted); the queue retries it through the ledger.
  const response = await fetchWithTimeout(
    `${credentials.baseUrl}/email`,
    {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json", "x-postmark-server-token": credentials.serverToken },
      body: JSON.stringify(postmarkEmailBody(email, settings)),
    },
    credentials.timeoutMs,
  );
  if (!response) return sendFailed("postmark", { networkError: true });
  const body = await jsonOrUndefined(response);
  if (response.ok) {
    const parsed = sentSchema.safeParse(body);
    if (parsed.success) return { ok: true, providerMessageId: parsed.data.MessageID };
    // Accepted but unreadable: sending again could duplicate the email, so it is not retried.
    return { ok: false, verdict: "permanent", error: "postmark unreadable_response" };
  }
  const error = errorSchema.safeParse(body);
  // Postmark's codes are its own: kept for the ledger, not read as Twilio's recipient codes.
  const result = sendFailed("postmark", { status: response.status });
  return error.success && !result.ok ? { ...result, error: `${result.error} code ${error.data.ErrorCode}` } : result;
}
