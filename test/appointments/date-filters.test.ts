import { beforeAll, describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { createUser, type UserFixture } from "../support/fixtures";

let psychologist: UserFixture;

beforeAll(async () => {
  psychologist = await createUser("psychologist", { timezone: "America/New_York" });
});

/** Each bad query, and the parameters its 400 must name: exactly as sent, no more, no fewer. */
const listCases: Array<[string, string[]]> = [
  ["date_from=2031-02-30", ["date_from"]],
  ["date_from=2031-1-5", ["date_from"]],
  ["date_to=", ["date_to"]],
  ["date_to=tomorrow", ["date_to"]],
  ["date_from=1969-12-31", ["date_from"]],
  ["date_from=2031-01-01&date_from=2031-01-02", ["date_from"]],
  ["date_from=bad&date_to=worse", ["date_from", "date_to"]],
  ["date_from=2031-01-02&date_to=2031-01-01", ["date_from", "date_to"]],
];

const scheduleCases: Array<[string, string[]]> = [
  ["start_date=2031-13-01", ["start_date"]],
  ["end_date=31-01-2031", ["end_date"]],
  ["month=2031-1", ["month"]],
  ["month=2031-00", ["month"]],
  ["year=31", ["year"]],
  ["year=", ["year"]],
  ["start_date=2031-01-02&end_date=2031-01-01", ["start_date", "end_date"]],
  ["year=2030&month=2031-01", ["month", "year"]],
  ["month=2031-03&end_date=2031-02-28", ["month", "end_date"]],
  ["start_date=2032-01-01&year=2031", ["start_date", "year"]],
];

describe("a date filter's error names the parameter as sent", () => {
  it.each(listCases)("GET /api/appointments/?%s", async (query, fields) => {
    const { status, body } = await callJson(`/api/appointments/?${query}`, { as: psychologist });
    expect({ status, fields: Object.keys(body.details ?? {}).sort() }).toEqual({ status: 400, fields: [...fields].sort() });
  });

  it.each(scheduleCases)("GET /api/appointments/psychologist/schedule/?%s", async (query, fields) => {
    const { status, body } = await callJson(`/api/appointments/psychologist/schedule/?${query}`, { as: psychologist });
    expect({ status, fields: Object.keys(body.details ?? {}).sort() }).toEqual({ status: 400, fields: [...fields].sort() });
  });

  it("and filters that meet on one day are consistent", async () => {
    for (const query of [
      "start_date=2031-01-31&month=2031-01",
      "end_date=2031-01-01&year=2031",
      "date_from=2031-01-01&date_to=2031-01-01",
    ]) {
      const path = query.startsWith("date_") ? `/api/appointments/?${query}` : `/api/appointments/psychologist/schedule/?${query}`;
      expect((await callJson(path, { as: psychologist })).status).toBe(200);
    }
  });
});
