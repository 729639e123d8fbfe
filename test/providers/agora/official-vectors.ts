import { fromBase64 } from "../../../src/crypto/encoding";
import type { AgoraRtcTokenInput } from "../../../src/providers/agora/access-token";

/**
 * AccessToken2 vectors published in Agora's own test suites (the same strings appear in the
 * Node, Python, PHP, C++ and Ruby tests of AgoraIO/Tools' DynamicKey and in agora-token's
 * test/AccessToken2Test.js): one RTC service with only the join privilege, issued at 1111111
 * with salt 1, expiring after 600 seconds.
 */
const vectorInput = {
  appId: "970CA35de60c44645bbae8a215061b33",
  appCertificate: "5CFd2fd1755d40ecb72977518be15d3b",
  channelName: "7d72365eb983485397e3e3f9d460bdda",
  role: "subscriber",
  tokenExpireSeconds: 600,
  privilegeExpireSeconds: 600,
  now: 0,
  issueTs: 1111111,
  salt: 1,
} as const;

export const officialVectors: { name: string; input: AgoraRtcTokenInput; token: string }[] = [
  {
    name: "uid 2882341273",
    input: { ...vectorInput, uid: 2882341273 },
    token:
      "007eJxTYBBbsMMnKq7p9Hf/HcIX5kce9b518kCiQgSr5Zrp4X1Tu6UUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiVwMRhYWRsYmhkbmxgDCaiTj",
  },
  {
    name: "uid 0 (any user)",
    input: { ...vectorInput, uid: 0 },
    token:
      "007eJxTYLhzZP08Lxa1Pg57+TcXb/3cZ3wi4V6kbpbOog0G2dOYk20UGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiQwMADacImo=",
  },
];

/**
 * The bytes inside a "007" token, without its "007" version prefix and before compression.
 * Tokens are compared this way because different zlib builds may compress the same bytes differently.
 */
export async function inflateToken(token: string): Promise<Uint8Array> {
  const decompression = new Blob([fromBase64(token.slice(3))]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(decompression).arrayBuffer());
}
