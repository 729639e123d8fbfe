import { useEffect, useRef } from "preact/hooks";

/**
 * "Leave the session?" as a modal <dialog>: the browser traps focus, Escape cancels, and focus
 * returns to the Leave button when it closes.
 */
export function LeaveDialog({ open, onLeave, onStay }: { open: boolean; onLeave: () => void; onStay: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="leave-title" onClose={onStay}>
      <h2 id="leave-title">Leave the session?</h2>
      <p>You can come back while the room is open.</p>
      <div class="dialog-actions">
        <button type="button" onClick={onStay} autofocus>
          Stay
        </button>
        <button type="button" class="danger" onClick={onLeave}>
          Leave session
        </button>
      </div>
    </dialog>
  );
}
