/**
 * Ceilings for the HTTP benchmark, run beside the built Worker in the same workerd (through
 * `startBuiltWorker`'s `neighbours`): what the harness and runtime allow a Worker that does
 * nothing, one that does a single D1 point read of an appointment on the built Worker's own
 * database, and one that first counts the request against a rate limit, as the routes that mint
 * credentials do. An endpoint's ratio to the D1 ceiling is its cost beyond that one read.
 * Miniflare emulates a rate limit binding with a Durable Object that writes each count to
 * SQLite, a cost production's in-memory counters do not have: the third ceiling shows it.
 *
 * @example await startBuiltWorker({ neighbours: ceilingWorkers(compatibilityDate, d1Databases) })
 */

/** The host each ceiling answers on: `https://<host>/<appointment id>`. */
export const ceilingHosts = {
  constant: "constant-ceiling.bench",
  d1Read: "d1-read-ceiling.bench",
  limitedD1Read: "limited-d1-read-ceiling.bench",
} as const;

const constantScript = `export default {
  fetch: () => Response.json({ ok: true }),
};`;

const d1ReadScript = (limited: boolean) => `export default {
  async fetch(request, env) {
    const id = Number(new URL(request.url).pathname.slice(1));
    ${limited ? "await env.LIMIT.limit({ key: 'appointment:' + id });" : ""}
    const row = await env.DB.prepare("SELECT * FROM appointments WHERE id = ?").bind(id).first();
    return row ? Response.json(row) : Response.json({ error: "Not found" }, { status: 404 });
  },
};`;

/** The ceiling Workers' Miniflare options; `d1Databases` is the built Worker's, so they read its rows. */
export function ceilingWorkers(compatibilityDate: string, d1Databases: unknown): Record<string, unknown>[] {
  const worker = (name: string, host: string, script: string) => ({
    name,
    compatibilityDate,
    modules: [{ type: "ESModule", path: `${name}.mjs`, contents: script }],
    routes: [`${host}/*`],
  });
  return [
    worker("constant-ceiling", ceilingHosts.constant, constantScript),
    { ...worker("d1-read-ceiling", ceilingHosts.d1Read, d1ReadScript(false)), d1Databases },
    {
      ...worker("limited-d1-read-ceiling", ceilingHosts.limitedD1Read, d1ReadScript(true)),
      d1Databases,
      ratelimits: { LIMIT: { type: "ratelimit", name: "LIMIT", namespace_id: "9001", simple: { limit: 1_000_000_000, period: 60 } } },
    },
  ];
}
