import type { ScheduleItem } from "../api/types";
import { Icon, type IconName } from "../ui/icons";
import { type BadgeTone, badgeFor } from "./badge";

const icons: Record<BadgeTone, IconName> = { open: "check", live: "play", neutral: "clock", muted: "check", stopped: "cross" };

export function StatusBadge({ item }: { item: Pick<ScheduleItem, "status" | "session_status"> }) {
  const { label, tone } = badgeFor(item);
  return (
    <span class={`badge badge-${tone}`}>
      <Icon name={icons[tone]} />
      {label}
    </span>
  );
}
