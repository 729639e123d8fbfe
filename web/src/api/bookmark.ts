/** The header in which the API hands out, and takes back, a D1 bookmark (read replication). */
const bookmarkHeader = "x-d1-bookmark";

/**
 * The newest D1 bookmark the API has answered with, sent back with every call so this page never
 * reads data older than it has already seen, whichever replica serves it.
 */
let newestBookmark: string | undefined;

/** The header to send with the next call: the newest bookmark, once the API has given one. */
export function bookmarkHeaders(): Record<string, string> {
  return newestBookmark ? { [bookmarkHeader]: newestBookmark } : {};
}

/** Keeps an answer's bookmark if it is newer: bookmarks sort oldest to newest, and answers may arrive out of order. */
export function keepBookmark(response: Pick<Response, "headers">): void {
  const bookmark = response.headers.get(bookmarkHeader);
  if (bookmark && (!newestBookmark || bookmark > newestBookmark)) newestBookmark = bookmark;
}
