import { describe, expect, it } from "vitest";
import { call } from "../support/api";

describe("API documents", () => {
  it("serves an OpenAPI 3.1 document built from the routes' own schemas", async () => {
    const document = (await (await call("/openapi.json")).json()) as any;
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/health",
        "/api/users/me",
        "/api/admin/users/{id}/",
        "/api/appointments/",
        "/api/appointments/{id}/",
        "/api/appointments/psychologist/schedule/",
        "/api/appointments/patient/schedule/",
        "/api/appointments/video-token/{id}/",
        "/api/v1/video/video-calls/{id}/join/",
        "/api/appointments/video-status/{id}/",
        "/api/webhooks/twilio/video",
        "/api/webhooks/agora/ncs",
        "/api/webhooks/twilio/messages",
        "/api/admin/outbox",
      ]),
    );
    const create = document.paths["/api/appointments/"].post;
    expect(create.security).toEqual([{ bearerAuth: [] }]);
    const input = document.components.schemas.AppointmentInput;
    expect(input.properties.duration_minutes).toMatchObject({ minimum: 15, maximum: 240 });
    expect(document.paths["/api/webhooks/twilio/video"].post.security).toBeUndefined();
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("renders a readable page listing every operation", async () => {
    const response = await call("/docs");
    expect(response.headers.get("content-type")).toContain("text/html");
    const page = await response.text();
    expect(page).toContain("<code>/api/appointments/psychologist/schedule/</code>");
    expect(page).toContain("Bearer JWT");
  });
});
