/** Twilio's room status callbacks as Twilio posts them, for the benches that drive rooms. */
import { type FormParams, twilioSignature } from "../../src/providers/twilio/webhook-signature";

export const TWILIO_WEBHOOK_PATH = "/api/webhooks/twilio/video";

/**
 * The POST of one callback to `publicBaseUrl`'s webhook, signed with `authToken` as Twilio signs
 * it. Signed beforehand by the benches, so the client's HMACs are not timed.
 */
export async function signedTwilioCallback(params: FormParams, publicBaseUrl: string, authToken: string): Promise<RequestInit> {
  return {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": await twilioSignature(authToken, `${publicBaseUrl}${TWILIO_WEBHOOK_PATH}`, params),
    },
    body: new URLSearchParams([...params]).toString(),
  };
}
