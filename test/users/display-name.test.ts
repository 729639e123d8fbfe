import { describe, expect, it } from "vitest";
import { cleanDisplayName } from "../../src/users/display-name";

describe("a display name is plain, visible, single-line text", () => {
  it("turns control characters into spaces: no line, tab or NUL survives", () => {
    expect(cleanDisplayName("Jane\r\nDoe\tSmith\u0000Jr\u0085.")).toBe("Jane Doe Smith Jr .");
  });

  it("removes bidi controls and zero-width characters, which hide or reorder what a reader sees", () => {
    const hidden = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C\u200B\u200C\u200D\u2060\uFEFF";
    expect(cleanDisplayName(`Jo${hidden}hn \u202Egpj.exe`)).toBe("John gpj.exe");
  });

  it("is NFC, with whitespace collapsed and trimmed", () => {
    expect(cleanDisplayName("  Jose\u0301 \u00A0\u2028 Nu\u0308nez  ")).toBe("Jos\u00E9 N\u00FCnez");
  });

  it("caps the length at 100 characters without splitting one", () => {
    expect(cleanDisplayName("😀".repeat(150))).toBe("😀".repeat(100));
  });

  it("is empty when nothing visible is left", () => {
    expect(cleanDisplayName("\u202E\u200B \n\u0000")).toBe("");
  });
});
