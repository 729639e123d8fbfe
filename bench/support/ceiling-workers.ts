/**
 * Ceilings for the HTTP benchmark, run beside the built Worker in the same workerd (through
 * `startBuiltWorker`'s `neighbours`): what the harness and runtime allow a Worker that does
 * nothing, one that does a single D1 point read of an appointment on the built Worker's own
 * database, and one that first counts the request against a rate limit, as the routes that mint
 * credentials do, and one that then writes an audit row after answering (`waitUntil`), as every
 * audited route does: the least work a credential route may do. An endpoint's ratio to the D1
 * ceiling is its cost beyond that one read. Miniflare emulates a rate limit binding with a
 * Durable Object that writes each count to SQLite, a cost production's in-memory counters do not
 * have: the third ceiling shows it.
 *
 * @example await startBuiltWorker({ neighbours: ceilingWorkers(compatibilityDate, d1Databases) })
 */

/** The host each ceiling answers on: `https://<host>/<appointment id>`. */
export const ceilingHosts = {
  constant: "constant-ceiling.bench",
  d1Read: "d1-read-ceiling.bench",
  limitedD1Read: "limited-d1-read-ceiling.bench",
  auditedD1Read: "audited-d1-read-ceiling.bench",
} as const;

/** The outcome the audited ceiling's rows carry, so the bench can tell them from the routes' own. */
export const CEILING_AUDIT_OUTCOME = "ceiling";

const constantScript = `export default {
  fetch: () => Response.json({ ok: true }),
};`;

const d1ReadScript = ({ limited, audited }: { limited: boolean; audited: boolean }) => `export default {
  async fetch(request, env, ctx) {
    const id = Number(new URL(request.url).pathname.slice(1));
    ${limited ? "await env.LIMIT.limit({ key: 'appointment:' + id });" : ""}
    const row = await env.DB.prepare("SELECT * FROM appointments WHERE id = ?").bind(id).first();
    ${
      audited
        ? `ctx.waitUntil(env.DB.prepare("INSERT INTO audit_events (at, actor_id, actor_role, action, appointment_id, outcome) VALUES (?, ?, 'patient', 'token.issued', ?, '${CEILING_AUDIT_OUTCOME}')").bind(Math.floor(Date.now() / 1000), id, id).run());`
        : ""
    }
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
  const ratelimits = { LIMIT: { type: "ratelimit", name: "LIMIT", namespace_id: "9001", simple: { limit: 1_000_000_000, period: 60 } } };
  return [
    worker("constant-ceiling", ceilingHosts.constant, constantScript),
    { ...worker("d1-read-ceiling", ceilingHosts.d1Read, d1ReadScript({ limited: false, audited: false })), d1Databases },
    {
      ...worker("limited-d1-read-ceiling", ceilingHosts.limitedD1Read, d1ReadScript({ limited: true, audited: false })),
      d1Databases,
      ratelimits,
    },
    {
      ...worker("audited-d1-read-ceiling", ceilingHosts.auditedD1Read, d1ReadScript({ limited: true, audited: true })),
      d1Databases,
      ratelimits,
    },
  ];
}
