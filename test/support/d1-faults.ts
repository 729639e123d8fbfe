import { env } from "cloudflare:test";
import { afterEach } from "vitest";

/** The message every injected fault carries, so a test can tell it from a real failure. */
export const INJECTED_FAULT = "injected D1 fault";

const injected = new Set<string>();
let seq = 0;

/**
 * D1 failing mid-write, as an outage or a lost connection would: a trigger aborts every `op` on
 * `table` whose row matches `when` (SQL over NEW or OLD), so that statement fails and any batch it
 * is part of rolls back, while everything before it in sequential code stays written. Returns the
 * cure; `useD1Faults` cures whatever a test leaves behind.
 *
 * @example const heal = await failD1Writes("INSERT", "reminders"); ...; await heal();
 */
export async function failD1Writes(op: "INSERT" | "UPDATE" | "DELETE", table: string, when = "1"): Promise<() => Promise<void>> {
  const name = `injected_fault_${++seq}`;
  await env.DB.prepare(
    `CREATE TRIGGER ${name} BEFORE ${op} ON ${table} WHEN ${when} BEGIN SELECT RAISE(ABORT, '${INJECTED_FAULT}'); END`,
  ).run();
  injected.add(name);
  return async () => {
    await env.DB.prepare(`DROP TRIGGER IF EXISTS ${name}`).run();
    injected.delete(name);
  };
}

/** Drops every injected fault after each test, so a failed test cannot break the next one. */
export function useD1Faults() {
  afterEach(async () => {
    for (const name of injected) await env.DB.prepare(`DROP TRIGGER IF EXISTS ${name}`).run();
    injected.clear();
  });
}

/**
 * `db` whose first `times` statements matching `sql` fail, alone or in a batch (which then runs
 * none of its statements, as D1 rolls a failed batch back): a passing D1 error, for the code that
 * takes its D1 as an argument (the queue consumer).
 */
export function flakyD1(db: D1Database, sql: RegExp, times = 1): D1Database {
  let left = times;
  const sqlOf = new WeakMap<D1PreparedStatement, string>();
  const fault = (statement: D1PreparedStatement) => {
    if (!sql.test(sqlOf.get(statement) ?? "") || left === 0) return;
    left--;
    throw new Error(`D1_ERROR: ${INJECTED_FAULT}`);
  };
  const watch = (statement: D1PreparedStatement, text: string): D1PreparedStatement => {
    sqlOf.set(statement, text);
    const bind = statement.bind.bind(statement);
    statement.bind = (...values) => watch(bind(...values), text);
    for (const method of ["run", "all", "first", "raw"] as const) {
      const original = (statement[method] as (...args: unknown[]) => Promise<unknown>).bind(statement);
      (statement as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        fault(statement);
        return original(...args);
      };
    }
    return statement;
  };
  return {
    prepare: (text: string) => watch(db.prepare(text), text),
    batch: async (statements: D1PreparedStatement[]) => {
      for (const statement of statements) fault(statement);
      return db.batch(statements);
    },
    exec: (text: string) => db.exec(text),
    withSession: () => {
      throw new Error("flakyD1 has no sessions");
    },
    dump: () => db.dump(),
  } as D1Database;
}
