import type { ComponentChildren } from "preact";
import { StatusRegion } from "../ui/StatusRegion";

/** Every state of the page: one landmark, one status region, the content. */
export function SessionShell({ status, tone, children }: { status: string; tone?: "info" | "warning"; children?: ComponentChildren }) {
  return (
    <main class="page session-page">
      <StatusRegion text={status} tone={tone} />
      {children}
    </main>
  );
}
