import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";

let psychologist: UserFixture, patient: UserFixture;

beforeAll(async () => {
  psychologist = await createUser("psychologist", { name: "Grace Hopper", timezone: "America/New_York" });
  patient = await createUser("patient", { name: "Alan Turing", timezone: "Asia/Tokyo" });
});

const scheduleKeys = [
  "id",
  "patient_name",
  "service_name",
  "appointment_date",
  "formatted_date",
  "formatted_time",
  "duration_minutes",
  "status",
  "session_type",
  "video_room_id",
  "meeting_url",
  "session_start_time",
  "session_end_time",
  "time_until_start_seconds",
  "time_remaining_seconds",
  "session_status",
  "can_join_session",
];

async function scheduleItem(id: number, as: UserFixture = psychologist, path = "/api/appointments/psychologist/schedule/?page_size=500") {
  const { body } = await callJson(path, { as });
  return body.results.find((r: { id: number }) => r.id === id);
}

describe("schedule timers around the join window", () => {
  it.each([
    ["more than 15 minutes ahead", 16, {}, "upcoming", false],
    ["15 minutes or less ahead", 14, {}, "joinable", true],
    ["under way", -10, {}, "in_progress", true],
    ["past its end but inside the 30-minute buffer", -60, {}, "ended", true],
    ["past its end and the buffer", -85, {}, "ended", false],
    ["cancelled although it would be joinable", 5, { status: "cancelled" as const }, "ended", false],
    ["completed although under way", -10, { status: "completed" as const }, "ended", false],
    ["in person", 5, { sessionType: "in_person" as const }, "joinable", false],
    ["ongoing past its booked end", -55, { status: "ongoing" as const }, "in_progress", true],
  ])("a session %s", async (_, startsInMinutes, extra, sessionStatus, canJoin) => {
    const appointment = await createAppointment({ psychologist, patient, startsInMinutes, durationMinutes: 50, ...extra });
    const item = await scheduleItem(appointment.id);
    expect(item.session_status).toBe(sessionStatus);
    expect(item.can_join_session).toBe(canJoin);
  });

  it("counts down to the start and then down to the end", async () => {
    const soon = await createAppointment({ psychologist, patient, startsInMinutes: 10, durationMinutes: 50 });
    const item = await scheduleItem(soon.id);
    expect(item.time_until_start_seconds).toBeGreaterThan(590);
    expect(item.time_until_start_seconds).toBeLessThanOrEqual(600);
    expect(item.time_remaining_seconds).toBe(3000);

    const live = await createAppointment({ psychologist, patient, startsInMinutes: -20, durationMinutes: 50 });
    const liveItem = await scheduleItem(live.id);
    expect(liveItem.time_until_start_seconds).toBe(0);
    expect(liveItem.time_remaining_seconds).toBeGreaterThan(1790);
    expect(liveItem.time_remaining_seconds).toBeLessThanOrEqual(1800);
  });
});

describe("GET /api/appointments/psychologist/schedule/", () => {
  it("has exactly the documented fields, written in the psychologist's time zone", async () => {
    const appointment = await createAppointment({ psychologist, patient, startsInMinutes: 600, serviceName: "Couples therapy" });
    // Pin the start so the formatting is checkable: 2030-11-16T13:00Z is 08:00 AM in New York.
    const startsAt = Date.parse("2030-11-16T13:00:00Z") / 1000;
    await env.DB.prepare("UPDATE appointments SET starts_at = ? WHERE id = ?").bind(startsAt, appointment.id).run();
    const item = await scheduleItem(appointment.id);
    expect(Object.keys(item).sort()).toEqual([...scheduleKeys].sort());
    expect(item).toMatchObject({
      patient_name: "Alan Turing",
      service_name: "Couples therapy",
      appointment_date: "2030-11-16T13:00:00Z",
      formatted_date: "Sat, 16 Nov 2030",
      formatted_time: "08:00 AM",
      session_start_time: "2030-11-16T13:00:00Z",
      session_end_time: "2030-11-16T13:50:00Z",
      meeting_url: `https://practice.example.com/video-session/${appointment.video_room_id}`,
      session_status: "upcoming",
      can_join_session: false,
    });
  });

  it("filters by date range, month, year and status in the psychologist's zone", async () => {
    const dr = await createUser("psychologist", { timezone: "America/New_York" });
    const at = async (iso: string, status: "scheduled" | "cancelled" = "scheduled") => {
      const row = await createAppointment({ psychologist: dr, patient, startsInMinutes: 1, status });
      await env.DB.prepare("UPDATE appointments SET starts_at = ? WHERE id = ?")
        .bind(Date.parse(iso) / 1000, row.id)
        .run();
      return row.id;
    };
    // 02:30Z on Jan 1 is still Dec 31 in New York.
    const newYearsEveLocal = await at("2031-01-01T02:30:00Z");
    const janSecond = await at("2031-01-02T15:00:00Z");
    const febFirst = await at("2031-02-01T15:00:00Z", "cancelled");
    const path = (query: string) => `/api/appointments/psychologist/schedule/?${query}`;
    const ids = async (query: string) => (await callJson(path(query), { as: dr })).body.results.map((r: { id: number }) => r.id);

    expect(await ids("start_date=2031-01-01&end_date=2031-01-02")).toEqual([janSecond]);
    expect(await ids("start_date=2030-12-31&end_date=2030-12-31")).toEqual([newYearsEveLocal]);
    expect(await ids("month=2031-01")).toEqual([janSecond]);
    expect(await ids("year=2031")).toEqual([janSecond, febFirst]);
    expect(await ids("year=2031&status=cancelled")).toEqual([febFirst]);
    expect(await ids("year=2031&status=scheduled")).toEqual([janSecond]);
    expect((await callJson(path("month=2031-13"), { as: dr })).body.details).toHaveProperty("month");
    // Years 0-99 would silently mean 1900-1999 to Date.UTC.
    expect((await callJson(path("year=0050"), { as: dr })).body.details).toEqual({ year: ["Use a year from 1970"] });
    expect((await callJson(path("start_date=0050-01-01"), { as: dr })).body.details).toEqual({ start_date: ["Use a year from 1970"] });
    expect((await callJson(path("month=0050-01"), { as: dr })).body.details).toEqual({ month: ["Use a year from 1970"] });
    expect((await callJson(path("status=ongoing"), { as: dr })).body.details).toHaveProperty("status");
  });

  it("defaults to 50 per page", async () => {
    const dr = await createUser("psychologist");
    for (let i = 0; i < 51; i++) await createAppointment({ psychologist: dr, patient, startsInMinutes: 100 + i * 60 });
    const { body } = await callJson("/api/appointments/psychologist/schedule/", { as: dr });
    expect(body.count).toBe(51);
    expect(body.results).toHaveLength(50);
    expect(body.next).toContain("page=2");
  });

  it("is for psychologists only", async () => {
    expect(await callJson("/api/appointments/psychologist/schedule/", { as: patient })).toEqual({
      status: 403,
      body: { error: "Permission denied" },
    });
  });
});

describe("GET /api/appointments/patient/schedule/", () => {
  it("shows the psychologist's name and writes times in the patient's zone", async () => {
    const appointment = await createAppointment({ psychologist, patient, startsInMinutes: 700 });
    await env.DB.prepare("UPDATE appointments SET starts_at = ? WHERE id = ?")
      .bind(Date.parse("2030-11-16T13:00:00Z") / 1000, appointment.id)
      .run();
    const item = await scheduleItem(appointment.id, patient, "/api/appointments/patient/schedule/?page_size=500");
    expect(Object.keys(item).sort()).toEqual([...scheduleKeys.filter((k) => k !== "patient_name"), "psychologist_name"].sort());
    expect(item).toMatchObject({ psychologist_name: "Grace Hopper", formatted_date: "Sat, 16 Nov 2030", formatted_time: "10:00 PM" });
  });

  it("is for patients only", async () => {
    expect((await callJson("/api/appointments/patient/schedule/", { as: psychologist })).status).toBe(403);
  });
});
