/**
 * The session page's ONE live region. Screen readers announce each new sentence; sighted people
 * read the same sentence in the banner. Nothing else on the page uses role="status".
 */
export function StatusRegion({ text, tone = "info" }: { text: string; tone?: "info" | "warning" }) {
  return (
    <p role="status" class={`status-banner status-${tone}`}>
      {text}
    </p>
  );
}
