import { appointmentForCaller } from "../appointments/access";
import { appointmentRoomNameTemplate, bookingParties } from "../appointments/booking";
import { startRangeInZone } from "../appointments/date-range";
import { listAppointments } from "../appointments/queries";
import {
  appointmentDetailSchema,
  appointmentIdParamSchema,
  appointmentSchema,
  createAppointmentSchema,
  listAppointmentsQuerySchema,
  updateAppointmentSchema,
} from "../appointments/schemas";
import { updateAppointment } from "../appointments/update";
import { appointmentDetailView, appointmentView } from "../appointments/views";
import { authedRoute } from "../auth/route-access";
import { refuseInactive } from "../base/caller";
import { pageBounds, pageEnvelope, pageEnvelopeSchema } from "../base/pagination";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "../base/router";
import { applyWithNotices, appointmentChanged, bookAppointmentWithNotices } from "../lifecycle/appointment-lifecycle";
import { nowSeconds, secondsFromIso } from "../time/iso";
import { findUser } from "../users/queries";
import { appointmentInPath, audited } from "./audited";
import { changeContext } from "./change-context";
import { idempotencyHeadersSchema } from "./idempotency/idempotency-key";
import { idempotencyResponses, idempotent } from "./idempotency/idempotent";

const createRoute = authedRoute({
  method: "post",
  path: "/api/appointments/",
  summary: "Book an appointment",
  description: "Psychologists book for themselves, patients with a psychologist, admins for anyone.",
  middleware: [idempotent] as const,
  request: { headers: idempotencyHeadersSchema, body: jsonBody(createAppointmentSchema) },
  responses: { 201: jsonResponse(appointmentDetailSchema, "Booked"), ...errorResponses, ...idempotencyResponses },
});

const listRoute = authedRoute({
  method: "get",
  path: "/api/appointments/",
  summary: "The caller's appointments (admins: all)",
  request: { query: listAppointmentsQuerySchema },
  responses: { 200: jsonResponse(pageEnvelopeSchema(appointmentSchema), "One page"), ...errorResponses },
});

const detailRoute = authedRoute({
  method: "get",
  path: "/api/appointments/{id}/",
  summary: "One appointment with both parties",
  middleware: [audited("appointment.read", appointmentInPath)] as const,
  request: { params: appointmentIdParamSchema },
  responses: { 200: jsonResponse(appointmentDetailSchema, "The appointment"), ...errorResponses },
});

const updateRoute = authedRoute({
  method: "patch",
  path: "/api/appointments/{id}/",
  summary: "Reschedule, confirm or cancel",
  request: { params: appointmentIdParamSchema, body: jsonBody(updateAppointmentSchema) },
  responses: { 200: jsonResponse(appointmentDetailSchema, "Updated"), ...errorResponses },
});

export const appointmentRoutes = createRouter()
  .openapi(createRoute, async (c) => {
    const input = c.req.valid("json");
    const { psychologistId, patientId } = bookingParties(input, c.get("caller"));
    const now = nowSeconds();
    const sessionType = input.session_type;
    const row = await bookAppointmentWithNotices(
      changeContext(c),
      {
        psychologistId,
        patientId,
        startsAt: secondsFromIso(input.appointment_date),
        durationMinutes: input.duration_minutes,
        sessionType,
        serviceName: input.service_name ?? null,
        videoProvider: input.video_provider ?? c.get("config").defaultVideoProvider,
        roomNameTemplate: sessionType === "telehealth" ? appointmentRoomNameTemplate(now) : null,
      },
      now,
      { bookedBy: c.get("caller") },
    );
    const booked = await appointmentForCaller(c.var.db, row.id, c.get("caller"), { admins: true });
    return c.json(appointmentDetailView(booked, c.get("config").meetingBaseUrl), 201);
  })
  .openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const caller = c.get("caller");
    // The caller's own profile gives their time zone, and whether their account is active.
    const profile = await findUser(c.var.db, caller.id);
    refuseInactive(profile?.is_active);
    const timeZone = profile?.timezone ?? c.get("config").defaultTimezone;
    const { count, rows } = await listAppointments(c.var.db, {
      ...(caller.role === "admin"
        ? {}
        : { party: { column: caller.role === "psychologist" ? "psychologist_id" : "patient_id", id: caller.id } }),
      ...(query.status ? { statuses: [query.status] } : {}),
      ...startRangeInZone({ from: query.date_from, to: query.date_to }, timeZone, { from: "date_from", to: "date_to" }),
      ...pageBounds(query),
    });
    return c.json(
      pageEnvelope(
        c.req.url,
        query,
        count,
        rows.map((row) => appointmentView(row, c.get("config").meetingBaseUrl)),
      ),
      200,
    );
  })
  .openapi(detailRoute, async (c) => {
    const row = await appointmentForCaller(c.var.db, c.req.valid("param").id, c.get("caller"), { admins: true });
    return c.json(appointmentDetailView(row, c.get("config").meetingBaseUrl), 200);
  })
  .openapi(updateRoute, async (c) => {
    const caller = c.get("caller");
    const current = await appointmentForCaller(c.var.db, c.req.valid("param").id, caller, { admins: true });
    const now = nowSeconds();
    const context = changeContext(c);
    const changed = await updateAppointment(c.var.db, current, c.req.valid("json"), caller, now, applyWithNotices(context, current, now));
    await appointmentChanged(context, current, changed, now);
    const updated = await appointmentForCaller(c.var.db, current.id, caller, { admins: true });
    return c.json(appointmentDetailView(updated, c.get("config").meetingBaseUrl), 200);
  });
