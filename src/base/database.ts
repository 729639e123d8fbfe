/**
 * What the queries need of D1: a database binding or one of its sessions (`withSession`), which
 * the HTTP layer opens per request so reads may be served by a nearby read replica. Queries take
 * this rather than `D1Database`, so the same function runs on either.
 */
export type Database = Pick<D1Database, "prepare" | "batch">;
