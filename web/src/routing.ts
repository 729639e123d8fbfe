/** The pages the Worker serves index.html for (wrangler.toml: not_found_handling = single-page-application). */
export type Route = { page: "dashboard" } | { page: "video-session"; roomName: string } | { page: "not-found" };

export function routeFor(pathname: string): Route {
  if (pathname === "/" || pathname === "/dashboard" || pathname === "/dashboard/") return { page: "dashboard" };
  const session = /^\/video-session\/([^/]+)\/?$/.exec(pathname);
  if (session?.[1]) return { page: "video-session", roomName: decodeURIComponent(session[1]) };
  return { page: "not-found" };
}
