/**
 * The server's clock as seen from this device. Join windows and token expiry are the server's
 * times, and a patient's laptop may be minutes off, so every countdown on the page runs on
 * `serverNow`, never on the device's own Date.now().
 */
export interface ServerClock {
  /** Server time minus device time, in ms. */
  offsetMs: number;
}

export const deviceClock: ServerClock = { offsetMs: 0 };

/** The offset from a `server_time` the server sent, read on the device at `receivedAt`. */
export function serverClockFrom(serverTimeIso: string, receivedAt: number): ServerClock {
  const serverTime = Date.parse(serverTimeIso);
  return Number.isNaN(serverTime) ? deviceClock : { offsetMs: serverTime - receivedAt };
}

export function serverNow(clock: ServerClock, deviceNow: number = Date.now()): number {
  return deviceNow + clock.offsetMs;
}
