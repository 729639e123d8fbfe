import { type RouteAccess, routeAccessOf } from "../../src/auth/route-access";
import { app } from "../../src/http/app";

export type DeclaredRoute = { key: string; method: string; path: string; access: RouteAccess | undefined };

/**
 * Every route the app answers, keyed `METHOD /path/{param}/` as the OpenAPI document writes it,
 * with the access its handlers declare (undefined: none). Documented or not, each is in `app.routes`.
 */
export function declaredRoutes(): DeclaredRoute[] {
  const routes = new Map<string, DeclaredRoute>();
  for (const { method, path, handler } of app.routes) {
    // `app.use` middleware, and the fallback for paths no route answers (a caller, then a 404).
    if (method === "ALL" && path.endsWith("*")) continue;
    const openApiPath = path.replace(/:(\w+)/g, "{$1}");
    const key = `${method} ${openApiPath}`;
    const route = routes.get(key) ?? { key, method, path: openApiPath, access: undefined };
    route.access ??= routeAccessOf(handler);
    routes.set(key, route);
  }
  return [...routes.values()];
}
