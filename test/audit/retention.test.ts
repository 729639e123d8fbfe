import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { auditEvent, writeAuditEvents } from "../../src/audit/record";
import worker from "../../src/index";
import { auditRows } from "./support";

const DAY = 24 * 60 * 60;

describe("audit retention", () => {
  it("the cron deletes events older than AUDIT_RETENTION_DAYS and keeps the rest", async () => {
    const now = Math.floor(Date.now() / 1000);
    const appointmentId = 900_101;
    const read = (at: number) => auditEvent("appointment.read", { id: 5, role: "patient" }, { appointmentId }, at);
    await writeAuditEvents(env.DB, [read(now - 31 * DAY), read(now - 30 * DAY - 60), read(now - 29 * DAY), read(now - 60)]);

    await worker.scheduled(createScheduledController({ scheduledTime: now * 1000, cron: "* * * * *" }), {
      ...env,
      AUDIT_RETENTION_DAYS: "30",
    });
    expect((await auditRows({ appointments: [appointmentId] })).map((row) => now - row.at)).toEqual([29 * DAY, 60]);
  });

  it("keeps six years by default (HIPAA), so last year's events survive the cron", async () => {
    const now = Math.floor(Date.now() / 1000);
    const appointmentId = 900_102;
    const read = (at: number) => auditEvent("appointment.read", { id: 5, role: "patient" }, { appointmentId }, at);
    await writeAuditEvents(env.DB, [read(now - 2191 * DAY), read(now - 365 * DAY)]);

    await worker.scheduled(createScheduledController({ scheduledTime: now * 1000, cron: "* * * * *" }), env);
    expect((await auditRows({ appointments: [appointmentId] })).map((row) => now - row.at)).toEqual([365 * DAY]);
  });
});
