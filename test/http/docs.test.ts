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

  it("documents the video session page's routes with their schemas", async () => {
    const document = (await (await call("/openapi.json")).json()) as any;
    const json = (operation: any, status: string) => operation.responses[status].content["application/json"].schema;
    const session = document.paths["/api/video-sessions/{room_name}/"].get;
    expect(session.security).toEqual([{ bearerAuth: [] }]);
    expect(session.parameters).toContainEqual(expect.objectContaining({ name: "room_name", in: "path", required: true }));
    expect(json(session, "200")).toEqual({ $ref: "#/components/schemas/VideoSession" });
    expect(json(session, "404")).toBeDefined();
    const refresh = document.paths["/api/video-sessions/{room_name}/refresh/"].post;
    expect(refresh.security).toEqual([{ bearerAuth: [] }]);
    expect(json(refresh, "200")).toEqual({ $ref: "#/components/schemas/VideoConnectionRefresh" });
    const redeem = document.paths["/api/video-sessions/{room_name}/redeem/"].post;
    expect(redeem.security).toBeUndefined();
    expect(redeem.requestBody.content["application/json"].schema).toMatchObject({
      type: "object",
      properties: { key: { type: "string", minLength: 1, maxLength: 200 } },
      required: ["key"],
      additionalProperties: false,
    });
    expect(json(redeem, "200")).toEqual({ $ref: "#/components/schemas/SessionToken" });
    expect(Object.keys(redeem.responses).sort()).toEqual(["200", "400", "403", "429"]);

    const schemas = document.components.schemas;
    expect(Object.keys(schemas.VideoSession.properties).sort()).toEqual([
      "appointment_id",
      "connection",
      "connection_error",
      "counterpart",
      "duration_minutes",
      "ends_at",
      "join_window",
      "provider",
      "room_name",
      "starts_at",
      "status",
      "you",
    ]);
    expect(Object.keys(schemas.VideoSession.properties.join_window.properties).sort()).toEqual([
      "can_join_now",
      "closed_reason",
      "closes_at",
      "opens_at",
      "server_time",
    ]);
    // One connection schema: nullable only where the session may have none, never in the refresh.
    expect(schemas.VideoConnection).toMatchObject({ description: "What the provider's SDK needs to connect; refresh before `expires_at`" });
    expect(schemas.VideoConnection.oneOf.map((variant: any) => variant.properties.provider.enum)).toEqual([
      ["twilio"],
      ["agora"],
      ["webrtc"],
    ]);
    expect(schemas.VideoConnectionRefresh.properties.connection).toEqual({ $ref: "#/components/schemas/VideoConnection" });
    const sessionConnection = schemas.VideoSession.properties.connection;
    expect(sessionConnection.description).toBe("Present while the join window is open");
    expect(sessionConnection.anyOf).toEqual([...schemas.VideoConnection.oneOf, { type: "null" }]);
    expect(schemas.SessionToken.required.sort()).toEqual(["appointment_id", "expires_at", "room_name", "token"]);
  });

  it("renders a readable page listing every operation", async () => {
    const response = await call("/docs");
    expect(response.headers.get("content-type")).toContain("text/html");
    const page = await response.text();
    expect(page).toContain("<code>/api/appointments/psychologist/schedule/</code>");
    expect(page).toContain("Bearer JWT");
  });
});
