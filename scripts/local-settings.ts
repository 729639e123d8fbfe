import { unstable_getVarsForDev, unstable_readConfig } from "wrangler";
import { type Config, parseConfig } from "../src/base/config";

/**
 * The settings `wrangler dev` runs the Worker with (wrangler.toml's vars, then .dev.vars), parsed
 * by the Worker's own config module, so the scripts sign with exactly the secrets it verifies with.
 */
export function localSettings(overrides: Record<string, string> = {}): Config {
  const config = unstable_readConfig({ config: "wrangler.toml" }, { hideWarnings: true });
  const bindings = unstable_getVarsForDev(config.configPath, undefined, config.vars, undefined, true);
  const settings = Object.fromEntries(Object.entries(bindings).map(([name, binding]) => [name, String(binding.value)]));
  return parseConfig({ ...settings, ...overrides } as unknown as Env);
}
