/** The API's spelling of a unix time: ISO 8601 UTC to the second (`2026-12-01T10:45:00Z`). */
export const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
