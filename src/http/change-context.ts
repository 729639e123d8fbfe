import type { Context } from "hono";
import type { AppEnv } from "../base/app-env";
import type { ChangeContext } from "../lifecycle/appointment-lifecycle";

/** Where a route's stored change has its consequences: the bindings, the configuration, the request's waitUntil, who changed it. */
export function changeContext(c: Context<AppEnv>): ChangeContext {
  return { env: c.env, db: c.var.db, config: c.get("config"), ctx: c.executionCtx, actor: c.get("caller") };
}
