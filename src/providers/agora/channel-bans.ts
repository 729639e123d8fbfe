import { ApiError } from "../../base/errors";
import { fetchWithRetries } from "../provider-fetch";

/**
 * Agora's RESTful API: a Customer ID and secret as HTTP Basic credentials, overridable host for
 * tests, and how long one call may take (the configured provider timeout).
 */
export type AgoraRestCredentials = { baseUrl: string; customerId: string; customerSecret: string; timeoutMs: number };

/** Agora clamps a ban's length to [10 s, 86,430 s]; 0 would only kick, letting everyone straight back in. */
const MIN_BAN_SECONDS = 10;
const MAX_BAN_SECONDS = 86_430;

/**
 * Bans joining the channel (everyone, or one uid) for `seconds`, and drops whoever is in it:
 * Agora's kicking rule with the `join_channel` privilege. Tokens already issued for the channel
 * cannot join it again until the ban lapses, which is how a cancelled session's tokens are revoked.
 */
export async function banFromChannel(
  credentials: AgoraRestCredentials,
  ban: { appId: string; channel: string; uid?: number; seconds: number },
): Promise<void> {
  const body = {
    appid: ban.appId,
    cname: ban.channel,
    ...(ban.uid === undefined ? {} : { uid: ban.uid }),
    time_in_seconds: Math.min(Math.max(Math.ceil(ban.seconds), MIN_BAN_SECONDS), MAX_BAN_SECONDS),
    privileges: ["join_channel"],
  };
  // A rule sent twice bans the same channel for the same time: safe to retry.
  const response = await fetchWithRetries(
    `${credentials.baseUrl}/dev/v1/kicking-rule`,
    {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`${credentials.customerId}:${credentials.customerSecret}`)}`,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify(body),
    },
    { timeoutMs: credentials.timeoutMs },
  );
  if (!response) throw new ApiError(502, "Agora error: Agora could not be reached");
  const answer = (await response.json().catch(() => undefined)) as { status?: unknown; message?: unknown } | undefined;
  if (!response.ok || answer?.status !== "success") {
    throw new ApiError(502, `Agora error: HTTP ${response.status}${typeof answer?.message === "string" ? `, ${answer.message}` : ""}`);
  }
}
