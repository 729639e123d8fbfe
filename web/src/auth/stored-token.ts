import { takeFromFragment } from "./fragment";

/**
 * The practice platform's JWT, handed over once as `/dashboard#token=<jwt>`. sessionStorage,
 * not localStorage: it stays in this tab and is gone when the tab closes.
 */
const key = "telehealth.jwt";

export function adoptTokenFromFragment(): string | undefined {
  const token = takeFromFragment("token");
  if (token) sessionStorage.setItem(key, token);
  return storedToken();
}

export function storedToken(): string | undefined {
  // Not checked for expiry here: the device's clock may be wrong; the API's 401 is the judge.
  return sessionStorage.getItem(key) ?? undefined;
}

export function forgetToken(): void {
  sessionStorage.removeItem(key);
}

/** A room's scoped bearer from a redeemed join link, kept for this tab so a reload stays in the session. */
export function storedRoomToken(roomName: string): string | undefined {
  return sessionStorage.getItem(`${key}.room.${roomName}`) ?? undefined;
}

export function storeRoomToken(roomName: string, token: string): void {
  sessionStorage.setItem(`${key}.room.${roomName}`, token);
}

export function forgetRoomToken(roomName: string): void {
  sessionStorage.removeItem(`${key}.room.${roomName}`);
}
