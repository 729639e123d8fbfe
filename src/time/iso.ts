/** Unix seconds → ISO 8601 UTC without milliseconds, the one format the API writes times in. */
export function isoFromSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(".000Z", "Z");
}

/** An ISO 8601 instant (any offset) → unix seconds; sub-second parts are dropped. */
export function secondsFromIso(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

export function isoOrNull(epochSeconds: number | null | undefined): string | null {
  return epochSeconds === null || epochSeconds === undefined ? null : isoFromSeconds(epochSeconds);
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
