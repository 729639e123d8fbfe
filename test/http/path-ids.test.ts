import { beforeAll, describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";

let psychologist: UserFixture, patient: UserFixture, admin: UserFixture;
beforeAll(async () => {
  [psychologist, patient] = await Promise.all([createUser("psychologist"), createUser("patient")]);
  admin = { id: 1, email: "admin@example.com", role: "admin" } as UserFixture;
});

describe("ids in paths", () => {
  it("are plain decimal digits: one record answers to one spelling, others are a 400 naming the field", async () => {
    const row = await createAppointment({ psychologist, patient, startsInMinutes: 600 });
    expect((await callJson(`/api/appointments/${row.id}/`, { as: patient })).status).toBe(200);
    const spellings = [`0x${row.id.toString(16)}`, `${row.id}e0`, `0${row.id}`, `%20${row.id}`, `${row.id}%20`, `${row.id}.0`, "-1", "0"];
    for (const spelling of spellings) {
      const { status, body } = await callJson(`/api/appointments/${spelling}/`, { as: patient });
      expect({ spelling, status }).toEqual({ spelling, status: 400 });
      expect(body.details).toHaveProperty("id");
    }
    const elsewhere = [
      { path: "/api/appointments/video-token/1e3/", as: patient, method: "GET" },
      { path: "/api/v1/video/video-calls/0x1/", as: patient, method: "GET" },
      { path: "/api/admin/users/1e2/", as: admin, method: "PUT" },
    ];
    for (const { path, as, method } of elsewhere) {
      const { status, body } = await callJson(path, { as, method, body: method === "PUT" ? {} : undefined });
      expect({ path, status, id: body.details?.id }).toEqual({ path, status: 400, id: expect.any(Array) });
    }
  });
});
