/**
 * Ceilings for the HTTP benchmark, run beside the built Worker in the same workerd (through
 * `startBuiltWorker`'s `neighbours`): what the harness and runtime allow a Worker that does
 * nothing, and one that does a single D1 point read of an appointment on the built Worker's own
 * database. An endpoint's ratio to the D1 ceiling is its cost beyond that one read.
 *
 * @example await startBuiltWorker({ neighbours: ceilingWorkers(compatibilityDate, d1Databases) })
 */

/** The host each ceiling answers on: `https://<host>/<appointment id>`. */
export const ceilingHosts = { constant: "constant-ceiling.bench", d1Read: "d1-read-ceiling.bench" } as const;

const constantScript = `export default {
  fetch: () => Response.json({ ok: true }),
};`;

const d1ReadScript = `export default {
  async fetch(request, env) {
    const id = Number(new URL(request.url).pathname.slice(1));
    const row = await env.DB.prepare("SELECT * FROM appointments WHERE id = ?").bind(id).first();
    return row ? Response.json(row) : Response.json({ error: "Not found" }, { status: 404 });
  },
};`;

/** The two ceiling Workers' Miniflare options; `d1Databases` is the built Worker's, so they read its rows. */
export function ceilingWorkers(compatibilityDate: string, d1Databases: unknown): Record<string, unknown>[] {
  const worker = (name: string, host: string, script: string) => ({
    name,
    compatibilityDate,
    modules: [{ type: "ESModule", path: `${name}.mjs`, contents: script }],
    routes: [`${host}/*`],
  });
  return [
    worker("constant-ceiling", ceilingHosts.constant, constantScript),
    { ...worker("d1-read-ceiling", ceilingHosts.d1Read, d1ReadScript), d1Databases },
  ];
}
