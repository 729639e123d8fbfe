import type { EndReason } from "./call-machine";

/** Why a session page shows its end screen: how a call ended, or why there is none to join. */
export type EndScreenReason = EndReason | "closed" | "in-person";

/**
 * How each ending is said: the end screen's heading and text. The heading is also what the
 * page's status region announces when a call ends (`callAnnouncement`), so both say the same.
 */
export const endings: Record<EndScreenReason, { title: string; body: string }> = {
  left: { title: "You left the session", body: "You can rejoin while the room is open, from the same link." },
  cancelled: {
    title: "This session was cancelled",
    body: "Your practice will be in touch about another time. Nothing else is needed from you now.",
  },
  moved: {
    title: "This session has moved to a new time",
    body: "Your practice has sent the new time, with a new link to join then. Nothing else is needed from you now.",
  },
  ended: { title: "The session has ended", body: "Thank you. The video room is closed." },
  elsewhere: {
    title: "This session was opened in another tab or window",
    body: "The session continues there, so you can close this tab.",
  },
  dropped: { title: "The call was interrupted", body: "The session is still open: you can rejoin now." },
  expired: {
    title: "Your sign-in has expired",
    body: "To rejoin, open your session link again, or sign in again through your practice.",
  },
  revoked: {
    title: "Your access to this session has been withdrawn",
    body: "Your practice can tell you more. Nothing else is needed from you now.",
  },
  closed: { title: "This session is over", body: "Its video room has closed." },
  "in-person": { title: "This is an in-person session", body: "It has no video room. Your practice has the details of where to meet." },
};
