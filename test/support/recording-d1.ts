/**
 * A D1 binding that records what the Worker asks of it: where each session started (the
 * constraint or bookmark given to `withSession`) and every round trip to the database, as the
 * SQL of its statements (one, or a batch's). The queries themselves run on the real local D1.
 */
export type RecordingD1 = { binding: D1Database; sessions: string[]; roundTrips: string[][] };

export function recordingD1(db: D1Database): RecordingD1 {
  const sessions: string[] = [];
  const roundTrips: string[][] = [];
  const inner = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
  const sqlOf = new WeakMap<D1PreparedStatement, string>();

  const statement = (real: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const roundTrip = <T>(run: () => Promise<T>) => {
      roundTrips.push([sql]);
      return run();
    };
    const recorded = {
      bind: (...values: unknown[]) => statement(real.bind(...values), sql),
      first: (...args: [string?]) => roundTrip(() => real.first(...(args as [string]))),
      run: () => roundTrip(() => real.run()),
      all: () => roundTrip(() => real.all()),
      raw: (...args: [{ columnNames?: boolean }?]) => roundTrip(() => real.raw(...(args as []))),
    } as unknown as D1PreparedStatement;
    inner.set(recorded, real);
    sqlOf.set(recorded, sql);
    return recorded;
  };
  const queries = (target: Pick<D1Database, "prepare" | "batch">) => ({
    prepare: (sql: string) => statement(target.prepare(sql), sql),
    batch: <T>(statements: D1PreparedStatement[]) => {
      roundTrips.push(statements.map((s) => sqlOf.get(s) ?? "?"));
      return target.batch<T>(statements.map((s) => inner.get(s) ?? s));
    },
  });
  const binding = {
    ...queries(db),
    exec: (sql: string) => db.exec(sql),
    withSession: (constraintOrBookmark: string) => {
      sessions.push(constraintOrBookmark);
      const session = db.withSession(constraintOrBookmark);
      return { ...queries(session), getBookmark: () => session.getBookmark() };
    },
  } as unknown as D1Database;
  return { binding, sessions, roundTrips };
}
