import { execFileSync } from "node:child_process";

/**
 * Runs wrangler against the local D1 (what `wrangler dev` serves), quietly: its output is shown
 * only when it fails. CI=true makes wrangler answer its own confirmation prompts.
 */
export function wrangler(...args: string[]): string {
  try {
    return execFileSync("wrangler", args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true" }, encoding: "utf8" });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    process.stderr.write(failed.stdout ?? "");
    process.stderr.write(failed.stderr ?? "");
    process.exit(1);
  }
}

/** Rows of one query on the local D1. */
export function queryLocalD1<Row>(sql: string): Row[] {
  const [result] = JSON.parse(wrangler("d1", "execute", "DB", "--local", "--json", "--command", sql)) as [{ results: Row[] }];
  return result.results;
}
