import { useFocusOnMount } from "../ui/useFocusOnMount";
import { type EndScreenReason, endings } from "./endings";

/** How a session ended, calmly and in words, with the way back. */
export function EndScreen({ reason, detail, onRejoin }: { reason: EndScreenReason; detail?: string; onRejoin?: () => void }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const { title, body } = endings[reason];
  return (
    <div class="end-screen card">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <p>{body}</p>
      {detail && <p class="hint">Details: {detail}</p>}
      <div class="actions">
        {onRejoin && (
          <button type="button" class="primary" onClick={onRejoin}>
            Rejoin
          </button>
        )}
        {reason === "left" && <a href={location.pathname}>Rejoin the session</a>}
        {reason === "elsewhere" && <a href={location.pathname}>Continue in this tab instead</a>}
        <a href="/dashboard">Back to your dashboard</a>
      </div>
    </div>
  );
}
