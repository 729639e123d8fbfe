/**
 * Test seam. Browser tests put a stand-in for a provider SDK on `window.__videoSdkStandIn`
 * before the page's own scripts run (Playwright `context.addInitScript`, test/browser/support/).
 * The adapters read it just before they would import the real SDK. Nothing in web/ ever sets
 * it, and the stand-in's code lives only in test/, so production bundles cannot contain it.
 */
declare global {
  interface Window {
    __videoSdkStandIn?: { twilio?: unknown; agora?: unknown };
  }
}

export function injectedSdk<T>(provider: "twilio" | "agora"): T | undefined {
  return window.__videoSdkStandIn?.[provider] as T | undefined;
}
