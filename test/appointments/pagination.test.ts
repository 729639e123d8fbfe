import { beforeAll, describe, expect, it } from "vitest";
import { callJson, origin } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";

let psychologist: UserFixture;
const ids: number[] = [];

beforeAll(async () => {
  psychologist = await createUser("psychologist");
  const patient = await createUser("patient");
  for (let i = 0; i < 7; i++) {
    ids.push((await createAppointment({ psychologist, patient, startsInMinutes: 60 * (i + 1) })).id);
  }
});

describe("pagination", () => {
  it("defaults to 100 per page with no links when everything fits", async () => {
    const { body } = await callJson("/api/appointments/", { as: psychologist });
    expect(body).toMatchObject({ count: 7, next: null, previous: null });
    expect(body.results.map((r: { id: number }) => r.id)).toEqual(ids);
  });

  it("links pages with absolute URLs that keep the other filters", async () => {
    const first = await callJson("/api/appointments/?status=scheduled&page_size=3", { as: psychologist });
    expect(first.body).toMatchObject({ count: 7, previous: null, next: `${origin}/api/appointments/?status=scheduled&page_size=3&page=2` });
    const middle = await callJson("/api/appointments/?status=scheduled&page_size=3&page=2", { as: psychologist });
    expect(middle.body.results.map((r: { id: number }) => r.id)).toEqual(ids.slice(3, 6));
    expect(middle.body.previous).toBe(`${origin}/api/appointments/?status=scheduled&page_size=3&page=1`);
    const last = await callJson("/api/appointments/?status=scheduled&page_size=3&page=3", { as: psychologist });
    expect(last.body).toMatchObject({ next: null });
    expect(last.body.results).toHaveLength(1);
  });

  it("answers a page past the end with 404, and an empty list's first page with 200", async () => {
    expect(await callJson("/api/appointments/?page_size=3&page=4", { as: psychologist })).toEqual({
      status: 404,
      body: { error: "Invalid page." },
    });
    const stranger = await createUser("patient");
    expect((await callJson("/api/appointments/?page=1", { as: stranger })).status).toBe(200);
  });

  it.each(["page=0", "page=-1", "page=abc", "page_size=0", "page_size=501"])("rejects %s with a 400 naming the field", async (query) => {
    const { status, body } = await callJson(`/api/appointments/?${query}`, { as: psychologist });
    expect(status).toBe(400);
    expect(Object.keys(body.details)).toEqual([query.split("=")[0]]);
  });

  it("accepts the maximum page size", async () => {
    expect((await callJson("/api/appointments/?page_size=500", { as: psychologist })).status).toBe(200);
  });
});
