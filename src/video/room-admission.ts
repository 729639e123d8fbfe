import type { AppointmentWithParties } from "../appointments/queries";
import type { Caller } from "../base/caller";
import type { Config } from "../base/config";
import type { VideoProvider } from "../base/video-provider";
import type { VideoProviderAdapter } from "../providers/video-adapter";
import { videoProviderAdapters } from "./provider-registry";
import { openRoom, type SessionNoun } from "./room-entry";
import { type TokenPurpose, tokenExpiresAt } from "./token-ttl";

type ConnectionOf<P extends VideoProvider> = Awaited<ReturnType<(typeof videoProviderAdapters)[P]["admit"]>>;

/**
 * Lets a party into the session's room through its provider: inside the join window only
 * (`openRoom`), with credentials that live as long as `tokenExpiresAt` says for the purpose.
 * The caller must already be a party (`appointmentForCaller` with admins: false).
 */
export async function admitToRoom<P extends VideoProvider>(
  config: Config,
  session: AppointmentWithParties & { video_provider: P },
  caller: Caller,
  { purpose, noun }: { purpose: TokenPurpose; noun: SessionNoun },
  now: number,
): Promise<ConnectionOf<P>> {
  const { roomName, window } = openRoom(session, noun, now);
  const expiresAt = tokenExpiresAt(purpose, { durationMinutes: session.duration_minutes, roomClosesAt: window.closesAt }, now);
  const side = session.psychologist_id === caller.id ? "psychologist" : "patient";
  const email = side === "psychologist" ? session.psychologist_email : session.patient_email;
  const adapter = videoProviderAdapters[session.video_provider] as VideoProviderAdapter<ConnectionOf<P>>;
  const connection = await adapter.admit(config, {
    roomName,
    party: { id: caller.id, email, side },
    expiresAt,
    roomClosesAt: window.closesAt,
    now,
  });
  console.log(
    JSON.stringify({
      event: "video_token_issued",
      provider: session.video_provider,
      appointment_id: session.id,
      user_id: caller.id,
      purpose,
    }),
  );
  return connection;
}
