import type { ScheduleItem } from "../api/types";
import { formatClockTime } from "../time/countdown";
import { CopyButton } from "./CopyButton";
import { StatusBadge } from "./StatusBadge";
import { JOIN_OPENS_BEFORE_S } from "./schedule-polling";

/** One session: when, with whom, where it stands, its link, and the way in once the room is open. */
export function AppointmentCard({
  item,
  timeZone,
  onAnnounce,
}: {
  item: ScheduleItem;
  timeZone: string;
  onAnnounce: (message: string) => void;
}) {
  const other = item.patient_name ?? item.psychologist_name ?? "your practice";
  const title = `${item.service_name ?? "Session"} with ${other}`;
  const headingId = `appointment-${item.id}`;
  const opensAt = Date.parse(item.session_start_time) - JOIN_OPENS_BEFORE_S * 1000;
  const closed = item.status === "cancelled" || item.status === "completed" || item.session_status === "ended";
  return (
    <li class="card appointment" aria-labelledby={headingId}>
      <div class="appointment-head">
        <h2 id={headingId}>{title}</h2>
        <StatusBadge item={item} />
      </div>
      <p class="when">
        {item.formatted_date}, {item.formatted_time} · {item.duration_minutes} minutes
      </p>
      {item.meeting_url && (
        <dl class="details">
          <dt>Meeting link</dt>
          <dd class="link-row">
            <a href={item.meeting_url} class="meeting-link">
              {item.meeting_url}
            </a>
            <CopyButton text={item.meeting_url} label={`Copy meeting link for ${title}`} onCopied={onAnnounce} />
          </dd>
          <dt>Room</dt>
          <dd>
            <code>{item.video_room_id}</code>
          </dd>
        </dl>
      )}
      {item.video_room_id && !closed && (
        <div class="join-row">
          {/* Same-origin navigation: the session page uses this tab's sign-in. */}
          <button
            type="button"
            class="primary"
            disabled={!item.can_join_session}
            aria-describedby={item.can_join_session ? undefined : `${headingId}-opens`}
            onClick={() => location.assign(`/video-session/${encodeURIComponent(item.video_room_id!)}`)}
          >
            Join video session
          </button>
          {!item.can_join_session && (
            <span class="hint" id={`${headingId}-opens`}>
              You can join from {formatClockTime(opensAt, { timeZone })}, 15 minutes before the start.
            </span>
          )}
        </div>
      )}
    </li>
  );
}
