import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { installVideoSdkStandIns } from "./sdk-stand-ins";

const require = createRequire(import.meta.url);

/**
 * Headless Chromium from @sparticuz/chromium (offline, inside the npm package), or a local
 * Chrome named by BROWSER_EXECUTABLE_PATH. Fake camera and microphone; `grantMedia: false`
 * answers the permission prompt with "Block", so getUserMedia is refused with NotAllowedError.
 * Only the flags listed here: the package's own `chromium.args` include --single-process and
 * --disable-web-security, which would make these tests lie.
 */
export async function launchBrowser({ grantMedia = true }: { grantMedia?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: inject("browserExecutablePath"),
    headless: true,
    args: [
      "--no-sandbox",
      "--no-zygote",
      // The fake prompt answers "Allow", or "Block" (a real NotAllowedError from Chromium's own permission path).
      grantMedia ? "--use-fake-ui-for-media-stream" : "--use-fake-ui-for-media-stream=deny",
      "--use-fake-device-for-media-stream",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/**
 * One Chromium for a test file: launched before its tests, closed after them. Returns the
 * browser as a function, since it exists only once the file's tests start.
 */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("useBrowser: the browser is launched in beforeAll; use it inside a test");
    return browser;
  };
}

export type OpenedPage = {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions, as they happened. */
  errors: string[];
};

/**
 * A fresh context (its own sessionStorage, as a new browser profile would have) with the SDK
 * stand-ins installed, and a page whose console errors and uncaught exceptions are collected.
 */
export async function openPage(browser: Browser): Promise<OpenedPage> {
  const context = await browser.newContext({ baseURL: inject("workerUrl"), viewport: { width: 1200, height: 800 } });
  // Well inside the test's own timeout, so a wait that fails says which one it was.
  context.setDefaultTimeout(10_000);
  await context.addInitScript(installVideoSdkStandIns);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.stack ?? error.message}`));
  return { page, context, errors };
}

/**
 * Fails on any console error or uncaught exception, except those named in `expected` (e.g. the
 * browser's own "Failed to load resource: … 403" line for a refusal the test provoked on purpose).
 */
export function expectNoConsoleErrors(errors: readonly string[], expected: readonly RegExp[] = []) {
  expect(errors.filter((error) => !expected.some((pattern) => pattern.test(error)))).toEqual([]);
}

/** The browser's line for an HTTP error status, which it logs even when the page handles it. */
export const refusedRequest = (status: number, path: RegExp) =>
  new RegExp(`Failed to load resource: the server responded with a status of ${status}.*${path.source}`);

// Evaluated rather than added as a <script>: the page's CSP (script-src 'self') rightly refuses inline scripts.
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

type AxeViolation = { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> };

/** axe-core over the page as it is now: no serious or critical violation (WCAG 2.2 A/AA and best practices). */
export async function expectAccessible(page: Page, where: string) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })),
    }));
  });
  const serious = violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect(serious, `axe on ${where}`).toEqual([]);
}

/** The session page's one live region. */
export const statusRegion = (page: Page) => page.getByRole("status");
