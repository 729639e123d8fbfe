import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { startRangeInZone } from "../appointments/date-range";
import { type AppointmentWithParties, listAppointments } from "../appointments/queries";
import {
  patientScheduleItemSchema,
  psychologistScheduleItemSchema,
  type ScheduleQuery,
  scheduleQuerySchema,
} from "../appointments/schemas";
import { scheduleItemView } from "../appointments/views";
import { requireRole } from "../auth/middleware";
import { authedRoute } from "../auth/route-access";
import type { AppEnv } from "../base/app-env";
import { refuseInactive } from "../base/caller";
import { pageBounds, pageEnvelope, pageEnvelopeSchema } from "../base/pagination";
import { createRouter, errorResponses, jsonResponse } from "../base/router";
import { nowSeconds } from "../time/iso";
import { findUser } from "../users/queries";
import { audited } from "./audited";

/** The two schedules differ only in whose they are and which item schema they answer with. */
function scheduleRoute<Item extends z.ZodType>(role: "psychologist" | "patient", item: Item) {
  return authedRoute({
    method: "get",
    path: `/api/appointments/${role}/schedule/` as const,
    summary: `The ${role}'s schedule with join timers`,
    description: `Dates and times are written in the ${role}'s time zone; date filters are read in it too.`,
    middleware: [audited("schedule.read"), requireRole(role)] as const,
    request: { query: scheduleQuerySchema },
    responses: { 200: jsonResponse(pageEnvelopeSchema(item), "One page"), ...errorResponses },
  });
}

const psychologistScheduleRoute = scheduleRoute("psychologist", psychologistScheduleItemSchema);
const patientScheduleRoute = scheduleRoute("patient", patientScheduleItemSchema);

const partyColumn = { psychologist: "psychologist_id", patient: "patient_id" } as const;

/** Both schedules are one query and one view; only whose column and the other party's name differ. */
async function schedulePage<Other extends object>(
  c: Context<AppEnv>,
  query: ScheduleQuery,
  role: keyof typeof partyColumn,
  otherParty: (row: AppointmentWithParties) => Other,
) {
  const caller = c.get("caller");
  // The caller's own profile gives their time zone, and whether their account is active.
  const profile = await findUser(c.var.db, caller.id);
  refuseInactive(profile?.is_active);
  const timeZone = profile?.timezone ?? c.get("config").defaultTimezone;
  const { count, rows } = await listAppointments(c.var.db, {
    party: { column: partyColumn[role], id: caller.id },
    ...(query.status === "all" ? {} : { statuses: [query.status] }),
    ...startRangeInZone({ from: query.start_date, to: query.end_date, month: query.month, year: query.year }, timeZone, {
      from: "start_date",
      to: "end_date",
    }),
    ...pageBounds(query),
  });
  const now = nowSeconds();
  const results = rows.map((row) => ({ ...scheduleItemView(row, timeZone, now, c.get("config").meetingBaseUrl), ...otherParty(row) }));
  return pageEnvelope(c.req.url, query, count, results);
}

export const scheduleRoutes = createRouter()
  .openapi(psychologistScheduleRoute, async (c) =>
    c.json(await schedulePage(c, c.req.valid("query"), "psychologist", (row) => ({ patient_name: row.patient_name })), 200),
  )
  .openapi(patientScheduleRoute, async (c) =>
    c.json(await schedulePage(c, c.req.valid("query"), "patient", (row) => ({ psychologist_name: row.psychologist_name })), 200),
  );
