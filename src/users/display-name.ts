/** The longest display name a message or page shows, in code points. */
export const DISPLAY_NAME_MAX_LENGTH = 100;

/**
 * A person's name as plain, visible, single-line text: the one cleaning applied where names enter
 * (profiles, the platform sync, a JWT's `name`) and again where they are rendered, so rows stored
 * before this rule are safe too. Control characters (C0 and C1: NUL, tab, CR, LF, NEL...) become
 * spaces, so a line break can neither forge a line nor join two words; format characters (Unicode
 * `Cf`: every bidi override, embedding, isolate and mark, the zero-width space and joiners, the
 * soft hyphen) and lone surrogates are removed, since they are invisible and can reorder or hide
 * what a reader sees. The result is NFC, with whitespace collapsed, trimmed, and capped; "" when
 * nothing visible is left.
 *
 * @example cleanDisplayName("  Jane\u202E\nDoe\u0000 ") // "Jane Doe"
 */
export function cleanDisplayName(raw: string): string {
  const visible = raw
    .replace(/[\p{Cf}\p{Cs}]/gu, "")
    .replace(/\p{Cc}/gu, " ")
    .normalize("NFC")
    .replace(/\s+/g, " ")
    .trim();
  return Array.from(visible).slice(0, DISPLAY_NAME_MAX_LENGTH).join("").trimEnd();
}
