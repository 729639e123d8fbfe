/** The most one stored deflate block holds (its LEN field is 16 bits). */
const MAX_BLOCK = 0xffff;
const ADLER_MODULUS = 65521;

/**
 * `data` as a zlib stream (RFC 1950) of stored, uncompressed deflate blocks (RFC 1951 §3.2.4),
 * which every conforming inflater reads: `agora-token`'s decoder (checked in
 * test/providers/agora/access-token.node.test.ts) and the zlib Agora's own parsers inflate with.
 *
 * Why not compress like `agora-token` (zlib.deflateSync): a token's content is mostly its HMAC
 * signature and hex app ID, which barely compress (a publisher token is 16 characters longer,
 * 191 instead of 175), while compressing dominated building one. `npm run bench:tokens`
 * compares the options per call in Node and workerd: CompressionStream's stream round-trips
 * cost several times the whole token, node:zlib's deflateSync (byte-identical to the SDK's)
 * longer than its HMACs, and stored blocks, a copy and a checksum, a small part.
 *
 * @example zlibStored(utf8("hi")) // 78 01 01 02 00 fd ff 68 69 01 3b 00 d2
 */
export function zlibStored(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_BLOCK));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  const view = new DataView(out.buffer);
  // CMF 0x78: deflate with a 32 KiB window; FLG 0x01: no dictionary, level "fastest", and the
  // check bits that make CMF*256 + FLG a multiple of 31.
  view.setUint16(0, 0x7801);
  let at = 2;
  for (let start = 0, block = 0; block < blocks; block++, start += MAX_BLOCK) {
    const chunk = data.subarray(start, start + MAX_BLOCK);
    out[at] = block === blocks - 1 ? 1 : 0; // BFINAL on the last block; BTYPE 00, stored
    view.setUint16(at + 1, chunk.length, true); // LEN
    view.setUint16(at + 3, ~chunk.length & 0xffff, true); // NLEN, its one's complement
    out.set(chunk, at + 5);
    at += 5 + chunk.length;
  }
  view.setUint32(at, adler32(data));
  return out;
}

/** RFC 1950's checksum of the uncompressed data, which inflaters verify. */
function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + data[i]!) % ADLER_MODULUS;
    b = (b + a) % ADLER_MODULUS;
  }
  return b * 65536 + a;
}
