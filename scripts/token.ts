// npm run token -- --user <id>: a local JWT for any user in the local database (seeded or synced).
import { parseArgs } from "node:util";
import { queryLocalD1 } from "./local-d1";
import { localSettings } from "./local-settings";
import { localToken, type TokenUser } from "./local-token";

const { values } = parseArgs({ options: { user: { type: "string", default: "101" } } });
const id = Number(values.user);
if (!Number.isSafeInteger(id) || id < 1) {
  console.error(`--user must be a user id (a positive whole number), got "${values.user}"`);
  process.exit(1);
}
const [user] = queryLocalD1<TokenUser>(`SELECT id, email, name, role FROM users WHERE id = ${id} AND is_active = 1`);
if (!user) {
  const known = queryLocalD1<TokenUser>("SELECT id, role FROM users WHERE is_active = 1 ORDER BY id LIMIT 20");
  console.error(
    `No active user ${id} in the local database; users: ${known.map((u) => `${u.id} (${u.role})`).join(", ") || "none (run npm run dev first)"}`,
  );
  process.exit(1);
}
console.log(localToken(user, localSettings().jwt.secret));
