import type { AppointmentWithParties } from "../appointments/queries";
import type { Config } from "../base/config";
import { videoProviderAdapters } from "../video/provider-registry";

/** One party of the room: the identity the provider gives them, and who that is in our own data. */
export type CastMember = { identity: string; user_id: number; side: "psychologist" | "patient"; name: string };

/** Both parties of a room, so a provider identity that says nothing (opaque mode) still names someone. */
export type RoomCast = readonly CastMember[];

/**
 * The room's parties with their provider identities, when identities are opaque; undefined in
 * `email` mode, where the identity itself names the party and payloads stay as front ends know them.
 */
export async function roomCast(config: Config, appointment: AppointmentWithParties): Promise<RoomCast | undefined> {
  if (config.videoIdentity.mode === "email") return undefined;
  const adapter = videoProviderAdapters[appointment.video_provider];
  const parties = [
    { id: appointment.psychologist_id, email: appointment.psychologist_email, name: appointment.psychologist_name, side: "psychologist" },
    { id: appointment.patient_id, email: appointment.patient_email, name: appointment.patient_name, side: "patient" },
  ] as const;
  return Promise.all(
    parties.map(async (party) => ({
      identity: await adapter.identity(config, party),
      user_id: party.id,
      side: party.side,
      name: party.name,
    })),
  );
}

/** Who an identity is, from the cast: `{user_id, side, name}`, or nothing when unknown or without a cast. */
export function castMemberOf(cast: RoomCast | undefined, identity: string): Omit<CastMember, "identity"> | Record<string, never> {
  const member = cast?.find((candidate) => candidate.identity === identity);
  if (!member) return {};
  const { user_id, side, name } = member;
  return { user_id, side, name };
}
