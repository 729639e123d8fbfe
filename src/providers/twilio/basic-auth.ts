/** Twilio's REST APIs (Rooms, Messages) take an API key as HTTP Basic credentials. */
export function basicAuthorization({ apiKeySid, apiKeySecret }: { apiKeySid: string; apiKeySecret: string }): string {
  return `Basic ${btoa(`${apiKeySid}:${apiKeySecret}`)}`;
}
