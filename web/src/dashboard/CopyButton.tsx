import { useState } from "preact/hooks";

/** Copies a link; says "Copied" on the button itself and tells the page's status region. */
export function CopyButton({ text, label, onCopied }: { text: string; label: string; onCopied: (message: string) => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      onCopied("Meeting link copied");
      setTimeout(() => setCopied(false), 2000);
    } catch {
      onCopied("Could not copy: select the link and copy it yourself");
    }
  };
  return (
    <button type="button" class="small" onClick={copy} aria-label={label}>
      {copied ? "Copied" : "Copy"}
    </button>
  );
}
