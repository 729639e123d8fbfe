import { requireRole } from "../auth/middleware";
import { authedRoute } from "../auth/route-access";
import { refuseInactive } from "../base/caller";
import { notFound } from "../base/errors";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "../base/router";
import { userDeactivated } from "../lifecycle/appointment-lifecycle";
import { nowSeconds } from "../time/iso";
import { mergeUser } from "../users/merge-user";
import { findUser, findUsers, saveUser, userView } from "../users/queries";
import { ownProfileSchema, syncedUserSchema, userIdParamSchema, userSchema } from "../users/schemas";
import { audited, userInPath } from "./audited";
import { changeContext } from "./change-context";

const getOwnProfile = authedRoute({
  method: "get",
  path: "/api/users/me",
  summary: "The caller's profile",
  middleware: [audited("profile.read")] as const,
  responses: { 200: jsonResponse(userSchema, "The profile"), 401: errorResponses[401], 404: errorResponses[404] },
});

const putOwnProfile = authedRoute({
  method: "put",
  path: "/api/users/me",
  summary: "Create or update the caller's profile (email from the JWT; role from the JWT when new, then only the platform sync changes it)",
  request: { body: jsonBody(ownProfileSchema) },
  responses: {
    200: jsonResponse(userSchema, "Updated"),
    201: jsonResponse(userSchema, "Created"),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

const putSyncedUser = authedRoute({
  method: "put",
  path: "/api/admin/users/{id}/",
  summary: "Sync a user from the platform (admin)",
  middleware: [audited("user.synced", userInPath), requireRole("admin")] as const,
  request: { params: userIdParamSchema, body: jsonBody(syncedUserSchema) },
  responses: {
    200: jsonResponse(userSchema, "Updated"),
    201: jsonResponse(userSchema, "Created"),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
  },
});

export const userRoutes = createRouter()
  .openapi(getOwnProfile, async (c) => {
    const row = await findUser(c.var.db, c.get("caller").id);
    if (!row) throw notFound("User profile not found");
    refuseInactive(row.is_active);
    return c.json(userView(row), 200);
  })
  .openapi(putOwnProfile, async (c) => {
    const caller = c.get("caller");
    const existing = await findUser(c.var.db, caller.id);
    refuseInactive(existing?.is_active);
    // A stored role is the platform sync's to change: a token saying otherwise must not rewrite it.
    const identity = existing ? { ...caller, role: existing.role } : caller;
    const row = await saveUser(c.var.db, mergeUser(existing, identity, c.req.valid("json"), c.get("config").defaultTimezone), nowSeconds());
    return c.json(userView(row), existing ? 200 : 201);
  })
  .openapi(putSyncedUser, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const caller = c.get("caller");
    const users = await findUsers(c.var.db, [id, caller.id]);
    refuseInactive(users.get(caller.id)?.is_active);
    const existing = users.get(id) ?? null;
    const identity = { id, email: input.email, role: input.role };
    const now = nowSeconds();
    const row = await saveUser(c.var.db, mergeUser(existing, identity, input, c.get("config").defaultTimezone), now);
    // Switched off: whatever sessions they are in now end for them at once, not when their token lapses.
    if (existing?.is_active === 1 && row.is_active === 0) await userDeactivated(changeContext(c), id, now);
    return c.json(userView(row), existing ? 200 : 201);
  });
