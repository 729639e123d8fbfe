import { describe, expect, it } from "vitest";
import { bookmarkHeaders, keepBookmark } from "../../web/src/api/bookmark";

const older = "00000001-00000002-00000003-0123456789abcdef0123456789abcdef";
const newer = "00000001-00000002-00000004-0123456789abcdef0123456789abcdef";
const answer = (bookmark?: string) => ({ headers: new Headers(bookmark ? { "x-d1-bookmark": bookmark } : {}) });

describe("the web client's D1 bookmark", () => {
  it("sends back the newest bookmark the API answered with, so the page never reads older data than it has seen", () => {
    expect(bookmarkHeaders()).toEqual({});
    keepBookmark(answer(newer));
    expect(bookmarkHeaders()).toEqual({ "x-d1-bookmark": newer });
    // A late answer with an older bookmark, or one with none, leaves the newest in place.
    keepBookmark(answer(older));
    keepBookmark(answer());
    expect(bookmarkHeaders()).toEqual({ "x-d1-bookmark": newer });
  });
});
