import { useState } from "preact/hooks";
import { adoptTokenFromFragment, forgetToken } from "../auth/stored-token";
import { AppointmentCard } from "./AppointmentCard";
import { useJoinNotifications } from "./useJoinNotifications";
import { useSchedule } from "./useSchedule";

/**
 * `/dashboard`: the signed-in person's upcoming sessions. The practice platform hands over its
 * JWT once as `/dashboard#token=<jwt>`; it is moved to this tab's sessionStorage at once.
 */
export function DashboardPage() {
  const [token] = useState(adoptTokenFromFragment);
  const schedule = useSchedule(token, forgetToken);
  const [message, setMessage] = useState("");
  const items = schedule.status === "loaded" ? schedule.items : undefined;
  const notifications = useJoinNotifications(items);

  return (
    <main class="page dashboard">
      <h1>Your sessions</h1>
      {/* The dashboard's one live region: copy confirmations and similar short news. */}
      <p role="status" class="visually-hidden">
        {message}
      </p>
      {schedule.status === "loading" && <p>Loading your sessions…</p>}
      {schedule.status === "signed-out" && (
        <div class="card narrow">
          <h2>Please sign in</h2>
          <p>Open this dashboard from your practice's platform: it signs you in here.</p>
        </div>
      )}
      {schedule.status === "admin" && <p>Administrators have no sessions of their own. Use the practice platform to manage sessions.</p>}
      {schedule.status === "error" && (
        <p class="notice notice-error">Your sessions could not be loaded ({schedule.message}). This page will try again.</p>
      )}
      {schedule.status === "loaded" && (
        <>
          <p class="hint">Signed in as {schedule.me.name}. Join opens 15 minutes before each session; this page updates by itself.</p>
          {notifications.offer && (
            <button type="button" class="small" onClick={notifications.ask}>
              Notify me when a session opens
            </button>
          )}
          {schedule.items.length === 0 ? (
            <p>You have no upcoming sessions.</p>
          ) : (
            <ul class="appointments">
              {schedule.items.map((item) => (
                <AppointmentCard key={item.id} item={item} timeZone={schedule.me.timezone} onAnnounce={setMessage} />
              ))}
            </ul>
          )}
        </>
      )}
    </main>
  );
}
