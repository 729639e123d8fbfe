import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../../../src/crypto/encoding";
import { zlibStored } from "../../../src/providers/agora/zlib-stored";

async function inflate(stream: Uint8Array): Promise<Uint8Array> {
  const decompression = new Blob([stream as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(decompression).arrayBuffer());
}

/** Bytes that differ at every position and are not all one value, so a misplaced byte shows. */
const counting = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + (i >> 8)) & 0xff);

describe("zlibStored", () => {
  it("writes the zlib header, one final stored block and the Adler-32 checksum", () => {
    expect(toHex(zlibStored(utf8("hi")))).toBe("7801" + "01" + "0200" + "fdff" + "6869" + "013b00d2");
  });

  it.each([0, 1, 180, 0xffff, 0x10000, 2 * 0xffff + 1])("inflates back to the same %i bytes", async (length) => {
    const data = counting(length);
    expect(await inflate(zlibStored(data))).toEqual(data);
  });

  it("splits data past 65535 bytes into stored blocks, only the last one final", () => {
    const stream = zlibStored(counting(0x10000));
    expect(stream.length).toBe(2 + 5 + 0xffff + 5 + 1 + 4);
    expect(toHex(stream.subarray(2, 7))).toBe("00ffff0000");
    expect(toHex(stream.subarray(2 + 5 + 0xffff, 2 + 5 + 0xffff + 5))).toBe("010100feff");
  });

  it("is refused by an inflater when its checksum does not match the data", async () => {
    const stream = zlibStored(counting(180));
    stream[stream.length - 1]! ^= 1;
    await expect(inflate(stream)).rejects.toThrow();
  });
});
