import { toHex } from "../crypto/encoding";

/**
 * `call_<unix seconds>_<4 digits>_<16 hex>`: the shape the calls API has always used, with 64
 * random bits added so a channel cannot be found by trying names (the 4 digits alone could be).
 */
export function videoCallChannelName(now: number): string {
  const [digits = 0] = crypto.getRandomValues(new Uint16Array(1));
  return `call_${now}_${String(1000 + (digits % 9000))}_${toHex(crypto.getRandomValues(new Uint8Array(8)))}`;
}
