import { useFocusOnMount } from "../ui/useFocusOnMount";

type Kind = "link-invalid" | "signed-out" | "not-found" | "error";

const texts: Record<Kind, { title: string; body: string }> = {
  "link-invalid": {
    title: "This link is no longer valid",
    body: "The session may have been cancelled or moved, or the link has expired. Use the newest link your practice sent you, or open the session from your dashboard.",
  },
  "signed-out": {
    title: "Open your session from your personal link",
    body: "This page needs the link from your reminder, or signing in through your practice's platform.",
  },
  "not-found": {
    title: "Session not found",
    body: "There is no session at this address for you. Check that you opened the whole link from your reminder.",
  },
  error: { title: "Something went wrong", body: "The session could not be loaded. Check your connection and reload the page." },
};

/** Every way of not getting into a session, each with a clear page and a way forward. */
export function NoAccess({ kind, detail }: { kind: Kind; detail?: string }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const { title, body } = texts[kind];
  return (
    <div class="card narrow">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <p>{body}</p>
      {detail && <p class="hint">The server said: {detail}</p>}
      <p>
        <a href="/dashboard">Go to your dashboard</a>
      </p>
    </div>
  );
}
