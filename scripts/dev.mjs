// npm run dev: local secrets, D1 migrations, demo data, a ready-to-paste curl, then `wrangler dev`.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { demoUsers, seedSql } from "./demo-data.mjs";
import { demoToken } from "./demo-token.mjs";

const port = process.env.PORT ?? "8787";
// CI=true: wrangler answers its own confirmation prompts; stdout is quiet except on failure.
const wrangler = (...args) => {
  try {
    execFileSync("wrangler", args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true" } });
  } catch (err) {
    process.stderr.write(err.stdout ?? "");
    process.stderr.write(err.stderr ?? "");
    process.exit(1);
  }
};

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example (local secrets; never committed).");
}

console.log("Applying D1 migrations locally…");
wrangler("d1", "migrations", "apply", "DB", "--local");

console.log("Seeding demo data…");
mkdirSync(".wrangler", { recursive: true });
writeFileSync(".wrangler/seed.sql", seedSql());
wrangler("d1", "execute", "DB", "--local", "--file", ".wrangler/seed.sql");

const psychologistToken = demoToken(101);
console.log(`
Demo users: ${demoUsers.map((u) => `${u.id} ${u.name} (${u.role})`).join(", ")}
A demo JWT for any of them:  npm run token -- --user <id>

Try it once the server is up (the psychologist's schedule):
  curl -s http://localhost:${port}/api/appointments/psychologist/schedule/ -H "Authorization: Bearer ${psychologistToken}"

API docs: http://localhost:${port}/docs   Fire the reminder cron: curl "http://localhost:${port}/__scheduled?cron=*+*+*+*+*"
`);

const server = spawn("wrangler", ["dev", "--port", port, "--test-scheduled", ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
