import type { Context } from "hono";
import { optional, type AppEnv } from "../env";
import { ApiError, badRequest } from "../errors";
import { verifyTwilioSignature, type FormParams } from "../video/twilio/webhook-signature";

/**
 * The URL Twilio called, as Twilio saw it: our public origin (a proxy in front of the Worker
 * must not change what is signed) with the path and query the request arrived with.
 */
export function publicRequestUrl(publicBaseUrl: string, requestUrl: string): string {
  const { pathname, search } = new URL(requestUrl);
  return `${publicBaseUrl.replace(/\/+$/, "")}${pathname}${search}`;
}

/**
 * A Twilio webhook's form fields, after checking `X-Twilio-Signature` with the auth token.
 * Unsigned or mis-signed requests are a 403 before anything is parsed further or stored.
 */
export async function verifiedTwilioForm(c: Context<AppEnv>): Promise<FormParams> {
  if (!c.req.header("content-type")?.startsWith("application/x-www-form-urlencoded")) {
    throw badRequest("Expected an application/x-www-form-urlencoded body");
  }
  // Decoded by hand: workerd warns on .text() of a form body, though form bodies are ASCII.
  const params: FormParams = [...new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()))];
  // Unset (empty or blank) verifies nothing: a blank key is one anybody can sign with.
  const authToken = optional(c.env.TWILIO_AUTH_TOKEN);
  const signed =
    authToken !== undefined &&
    (await verifyTwilioSignature({
      authToken,
      url: publicRequestUrl(c.env.PUBLIC_BASE_URL, c.req.url),
      params,
      signature: c.req.header("x-twilio-signature"),
    }));
  if (!signed) throw new ApiError(403, "Invalid webhook signature");
  return params;
}
