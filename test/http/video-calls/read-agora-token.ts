import { inflateToken } from "../../providers/agora/official-vectors";

/**
 * The fields inside an AccessToken2 ("007") RTC token, read independently of the builder, and
 * whether its signature checks out with `appCertificate` (the HMAC chain keyed by the issue
 * time, then the salt, as Agora's own builders sign).
 */
export async function readAgoraToken(token: string, appCertificate: string) {
  if (!token.startsWith("007")) throw new Error("not an AccessToken2");
  const bytes = await inflateToken(token);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const advance = (width: number) => {
    at += width;
    return at - width;
  };
  const u16 = () => view.getUint16(advance(2), true);
  const u32 = () => view.getUint32(advance(4), true);
  const chunk = () => {
    const length = u16();
    at += length;
    return bytes.slice(at - length, at);
  };
  const text = () => new TextDecoder().decode(chunk());

  const signature = chunk();
  const signedFrom = at;
  const appId = text();
  const issueTs = u32();
  const expireSeconds = u32();
  const salt = u32();
  const serviceCount = u16();
  const serviceType = u16();
  const privileges: Record<number, number> = {};
  for (let count = u16(); count > 0; count--) privileges[u16()] = u32();
  const channelName = text();
  const uid = text();

  const le32 = (value: number) => new Uint8Array(new Uint32Array([value]).buffer);
  const sign = async (key: Uint8Array, data: Uint8Array) =>
    new Uint8Array(
      await crypto.subtle.sign("HMAC", await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), data),
    );
  const signingKey = await sign(le32(salt), await sign(le32(issueTs), new TextEncoder().encode(appCertificate)));
  const expected = await sign(signingKey, bytes.slice(signedFrom));
  const signedWithCertificate = expected.length === signature.length && expected.every((byte, i) => byte === signature[i]);

  return { appId, issueTs, expireSeconds, serviceCount, serviceType, privileges, channelName, uid, signedWithCertificate };
}
