import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";

const patient = { id: 501, email: "pat501@example.com", role: "patient" as const, name: "Pat Doe" };
const admin = { id: 1, email: "admin@example.com", role: "admin" as const };

describe("the caller's own profile", () => {
  it("is 404 until created, then created with defaults and the JWT's email and role", async () => {
    expect(await callJson("/api/users/me", { as: patient })).toEqual({ status: 404, body: { error: "User profile not found" } });

    const created = await callJson("/api/users/me", { method: "PUT", as: patient, body: { phone: "+14155550123" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 501,
      email: "pat501@example.com",
      role: "patient",
      name: "Pat Doe",
      phone: "+14155550123",
      timezone: "UTC",
      whatsapp_opt_in: false,
      email_opt_in: true,
      is_active: true,
    });

    const updated = await callJson("/api/users/me", {
      method: "PUT",
      as: patient,
      body: { timezone: "Europe/Lisbon", whatsapp_opt_in: true },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ phone: "+14155550123", timezone: "Europe/Lisbon", whatsapp_opt_in: true });
    expect((await callJson("/api/users/me", { as: patient })).body).toEqual(updated.body);
  });

  it("keeps the stored role when a token says another: only the platform sync changes roles", async () => {
    const user = { id: 503, email: "pat503@example.com", role: "patient" as const };
    expect((await callJson("/api/users/me", { method: "PUT", as: user, body: {} })).status).toBe(201);
    const elevated = await callJson("/api/users/me", { method: "PUT", as: { ...user, role: "admin" }, body: { name: "Pat" } });
    expect(elevated.status).toBe(200);
    expect(elevated.body).toMatchObject({ id: 503, role: "patient", name: "Pat" });
    expect((await callJson("/api/users/me", { as: user })).body.role).toBe("patient");
  });

  it("cannot change its own email or role", async () => {
    const { status, body } = await callJson("/api/users/me", { method: "PUT", as: patient, body: { role: "admin" } });
    expect(status).toBe(400);
    expect(body.error).toMatch(/role|Unrecognized/i);
  });

  it.each([
    [{ phone: "4155550123" }, "phone"],
    [{ phone: "+0155550123" }, "phone"],
    [{ timezone: "Mars/Olympus" }, "timezone"],
    [{ whatsapp_opt_in: "yes" }, "whatsapp_opt_in"],
  ])("rejects %j with a 400 naming the field", async (input, field) => {
    const { status, body } = await callJson("/api/users/me", { method: "PUT", as: patient, body: input });
    expect(status).toBe(400);
    expect(body.error).toContain(field);
    expect(Object.keys(body.details)).toEqual([field]);
  });

  it("answers a body that is not JSON with a 400 naming the body", async () => {
    const answer = await callJson("/api/users/me", {
      method: "PUT",
      as: patient,
      headers: { "content-type": "application/json" },
      body: undefined,
    });
    const message = "Malformed JSON in request body";
    expect(answer).toEqual({ status: 400, body: { error: message, details: { body: [message] } } });
  });
});

describe("names are cleaned once, where they enter", () => {
  const dirty = "Mallory\r\nJoin here: https://evil.example/x\u202E\u0000\u200B";
  const clean = "Mallory Join here: https://evil.example/x";

  it("from the caller's own profile", async () => {
    const user = { id: 504, email: "pat504@example.com", role: "patient" as const };
    const { status, body } = await callJson("/api/users/me", { method: "PUT", as: user, body: { name: dirty } });
    expect({ status, name: body.name }).toEqual({ status: 201, name: clean });
  });

  it("from the platform sync", async () => {
    const { status, body } = await callJson("/api/admin/users/704/", {
      method: "PUT",
      as: admin,
      body: { email: "pat704@example.com", role: "patient", name: dirty },
    });
    expect({ status, name: body.name }).toEqual({ status: 201, name: clean });
  });

  it("from the JWT's name claim, when it becomes a new profile's name", async () => {
    const user = { id: 505, email: "pat505@example.com", role: "patient" as const, name: dirty };
    const { status, body } = await callJson("/api/users/me", { method: "PUT", as: user, body: {} });
    expect({ status, name: body.name }).toEqual({ status: 201, name: clean });
  });

  it("refuses, naming the field, a name with nothing visible left", async () => {
    const user = { id: 506, email: "pat506@example.com", role: "patient" as const };
    for (const name of ["\u202E\u200B", " \n\t\u0000 "]) {
      const { status, body } = await callJson("/api/users/me", { method: "PUT", as: user, body: { name } });
      expect({ status, fields: Object.keys(body.details ?? {}) }).toEqual({ status: 400, fields: ["name"] });
    }
    const sync = await callJson("/api/admin/users/707/", {
      method: "PUT",
      as: admin,
      body: { email: "a707@example.com", role: "patient", name: "\u2066\u2069" },
    });
    expect({ status: sync.status, fields: Object.keys(sync.body.details ?? {}) }).toEqual({ status: 400, fields: ["name"] });
  });
});

describe("PUT /api/admin/users/<id>/ (platform sync)", () => {
  it("creates, then updates, a user with every synced field", async () => {
    const first = await callJson("/api/admin/users/700/", {
      method: "PUT",
      as: admin,
      body: { email: "dr700@example.com", name: "Dr Smith", role: "psychologist", timezone: "America/New_York", phone: "+12125550100" },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: 700, role: "psychologist", name: "Dr Smith", is_active: true });

    const second = await callJson("/api/admin/users/700/", {
      method: "PUT",
      as: admin,
      body: { email: "dr700@example.com", role: "psychologist", is_active: false, email_opt_in: false },
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ name: "Dr Smith", timezone: "America/New_York", is_active: false, email_opt_in: false });
  });

  it("names the bad field", async () => {
    const { status, body } = await callJson("/api/admin/users/701/", {
      method: "PUT",
      as: admin,
      body: { email: "nope", role: "patient" },
    });
    expect(status).toBe(400);
    expect(body.details).toHaveProperty("email");
  });

  it("rejects ids that are not positive integers", async () => {
    const { status, body } = await callJson("/api/admin/users/abc/", {
      method: "PUT",
      as: admin,
      body: { email: "a@example.com", role: "patient" },
    });
    expect(status).toBe(400);
    expect(body.details).toHaveProperty("id");
  });

  it("is for admins only", async () => {
    const psychologist = { id: 702, email: "dr702@example.com", role: "psychologist" as const };
    const { status, body } = await callJson("/api/admin/users/703/", {
      method: "PUT",
      as: psychologist,
      body: { email: "a@example.com", role: "patient" },
    });
    expect({ status, body }).toEqual({ status: 403, body: { error: "Permission denied" } });
  });
});
