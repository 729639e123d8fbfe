// npm run dev: local secrets, the web client, D1 migrations, demo data, links to try, then
// `wrangler dev` with the reminder cron firing every minute as it does when deployed.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { meetingUrl } from "../src/appointments/views";
import { joinKeyFor, personalJoinLink, signJoinKey } from "../src/video/join-links";
import { type DemoAppointment, demoSeed, demoUsers } from "./demo-data";
import { wrangler } from "./local-d1";
import { localSettings } from "./local-settings";
import { localToken } from "./local-token";

const port = process.env.PORT ?? "8787";
const origin = `http://localhost:${port}`;

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example (local secrets; never committed).");
}

console.log("Building the web client…");
execFileSync("vite", ["build", "-c", "web/vite.config.ts", "--logLevel", "warn"], { stdio: "inherit" });

console.log("Applying D1 migrations locally…");
wrangler("d1", "migrations", "apply", "DB", "--local");

console.log("Seeding demo data…");
const seed = demoSeed();
mkdirSync(".wrangler", { recursive: true });
writeFileSync(".wrangler/seed.sql", seed.sql);
wrangler("d1", "execute", "DB", "--local", "--file", ".wrangler/seed.sql");

// This service's own origin on the chosen port: meeting links and webhook URLs point here.
const settings = localSettings({ PUBLIC_BASE_URL: origin });
const user = (id: number) => demoUsers.find((u) => u.id === id)!;
const tokenOf = (id: number) => localToken(user(id), settings.jwt.secret);
const [soonest] = seed.appointments as [DemoAppointment];
/** The link this party's reminders carry for the session (see src/reminders/compose.ts). */
const personalLink = async (appointment: DemoAppointment, userId: number) => {
  const session = { appointmentId: appointment.id, startsAt: appointment.startsAt, durationMinutes: appointment.durationMinutes };
  const key = await signJoinKey(joinKeyFor(session, userId), settings.sessionLinkSecret);
  return personalJoinLink(meetingUrl(settings.meetingBaseUrl, appointment.roomName)!, key);
};

console.log(`
Demo users: ${demoUsers.map((u) => `${u.id} ${u.name} (${u.role})`).join(", ")}
A JWT for any local user:  npm run token -- --user <id>

Dashboards (the JWT travels in the fragment; the page keeps it in this tab only):
  ${user(101).name}, psychologist:  ${origin}/dashboard#token=${tokenOf(101)}
  ${user(soonest.patientId).name}, patient:  ${origin}/dashboard#token=${tokenOf(soonest.patientId)}

The session starting in 10 minutes, as each party's reminder links it (open in two browser windows):
  ${user(101).name}:  ${await personalLink(soonest, 101)}
  ${user(soonest.patientId).name}:  ${await personalLink(soonest, soonest.patientId)}

The API (the psychologist's schedule):
  curl -s ${origin}/api/appointments/psychologist/schedule/ -H "Authorization: Bearer ${tokenOf(101)}"

API reference: ${origin}/docs   Reminders run every minute; the messages they send: ${origin}/api/admin/outbox (admin JWT: npm run token -- --user 1)
`);

const server = spawn(
  "wrangler",
  // The local outbox is on whatever an older .dev.vars says: it is where local reminders are read.
  ["dev", "--port", port, "--var", `PUBLIC_BASE_URL:${origin}`, "--var", "LOCAL_OUTBOX:true", "--test-scheduled", ...process.argv.slice(2)],
  { stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));

// wrangler dev does not fire cron triggers on its own: call its scheduled endpoint at the start of
// every minute, as the deployed "* * * * *" trigger does, so reminders reach the outbox unaided.
const fireCron = () =>
  fetch(`${origin}/__scheduled?cron=${encodeURIComponent("* * * * *")}`).catch(() => {
    // Not up yet (first minute) or shutting down: the next minute tries again.
  });
setTimeout(
  () => {
    void fireCron();
    setInterval(fireCron, 60_000);
  },
  60_000 - (Date.now() % 60_000),
);
