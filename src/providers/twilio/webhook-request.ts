import { ApiError, badRequest } from "../../base/errors";
import { fromUtf8 } from "../../crypto/encoding";
import { type FormParams, verifyTwilioSignature } from "./webhook-signature";

/**
 * The URL Twilio called, as Twilio saw it: our public origin (a proxy in front of the Worker
 * must not change what is signed) with the path and query the request arrived with.
 */
export function publicRequestUrl(publicBaseUrl: string, requestUrl: string): string {
  const { pathname, search } = new URL(requestUrl);
  return `${publicBaseUrl}${pathname}${search}`;
}

/**
 * A Twilio webhook's form fields, after checking `X-Twilio-Signature` with the auth token.
 * Unsigned or mis-signed requests, and any request while no auth token is set (a blank key is
 * one anybody can sign with), are a 403 before anything is parsed further or stored; a field
 * sent twice is a 400.
 */
export async function verifiedTwilioForm(
  request: Request,
  { authToken, publicBaseUrl }: { authToken: string | undefined; publicBaseUrl: string },
): Promise<FormParams> {
  if (!request.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded")) {
    throw badRequest("Expected an application/x-www-form-urlencoded body");
  }
  // Decoded by hand: workerd warns on .text() of a form body, though form bodies are ASCII.
  const params: FormParams = [...new URLSearchParams(fromUtf8(await request.arrayBuffer()))];
  const signed =
    authToken !== undefined &&
    (await verifyTwilioSignature({
      authToken,
      url: publicRequestUrl(publicBaseUrl, request.url),
      params,
      signature: request.headers.get("x-twilio-signature"),
    }));
  if (!signed) throw new ApiError(403, "Invalid webhook signature");
  // Twilio sends each field once. The signature sorts repeated values, so swapping two values of
  // one name keeps it valid while changing which one a reader takes: refuse them outright.
  const repeated = params.find(([name], index) => params.findIndex(([other]) => other === name) !== index);
  if (repeated) throw badRequest(`Repeated form parameter: ${repeated[0]}`);
  return params;
}
