import { utf8 } from "../../crypto/encoding";

/**
 * Writes AccessToken2's wire format: little-endian fixed-width integers and byte strings
 * prefixed with their uint16 length. Grows its buffer as needed; `bytes()` returns a copy.
 */
export class LittleEndianWriter {
  private buffer: Uint8Array<ArrayBuffer>;
  private view: DataView;
  private length = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buffer.buffer);
  }

  uint16(value: number): this {
    this.reserve(2).setUint16(this.length, value, true);
    this.length += 2;
    return this;
  }

  uint32(value: number): this {
    this.reserve(4).setUint32(this.length, value, true);
    this.length += 4;
    return this;
  }

  /** Bytes as-is, for sections that are already packed. */
  raw(data: Uint8Array): this {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
    return this;
  }

  lengthPrefixed(data: Uint8Array): this {
    return this.uint16(data.length).raw(data);
  }

  string(text: string): this {
    return this.lengthPrefixed(utf8(text));
  }

  /** AccessToken2 privilege maps: a count, then (uint16 key, uint32 value) pairs; keys ascending. */
  uint32Map(entries: ReadonlyArray<readonly [key: number, value: number]>): this {
    this.uint16(entries.length);
    for (const [key, value] of entries) this.uint16(key).uint32(value);
    return this;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): DataView {
    if (this.length + extra > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    return this.view;
  }
}

/** The four little-endian bytes of a uint32, as AccessToken2 feeds issue time and salt to HMAC. */
export function uint32Bytes(value: number): Uint8Array<ArrayBuffer> {
  return new LittleEndianWriter(4).uint32(value).bytes();
}
