// npm run token -- --user <id>: prints a demo JWT for a seeded user.
import { parseArgs } from "node:util";
import { demoToken } from "./demo-token.mjs";

const { values } = parseArgs({ options: { user: { type: "string", default: "101" } } });
try {
  console.log(demoToken(values.user));
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
