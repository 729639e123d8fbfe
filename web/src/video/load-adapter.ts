import type { Connection, Provider } from "../api/types";
import type { VideoProviderAdapter } from "./adapter";

/**
 * Each provider's adapter (and, inside it, its SDK) is a dynamic import: its own chunk, fetched
 * only for sessions on that provider. Another provider is one more line here.
 */
const loaders: Record<Provider, () => Promise<VideoProviderAdapter<never>>> = {
  twilio: () => import("./twilio/twilio-adapter").then((m) => m.twilioAdapter),
  agora: () => import("./agora/agora-adapter").then((m) => m.agoraAdapter),
  webrtc: () => import("./webrtc/webrtc-adapter").then((m) => m.webrtcAdapter),
};

const loaded = new Map<Provider, Promise<VideoProviderAdapter<never>>>();

/** Starts (once) and returns the download of a provider's adapter and SDK; call it early to warm up. */
export function loadAdapter<C extends Connection>(provider: C["provider"]): Promise<VideoProviderAdapter<C>> {
  let adapter = loaded.get(provider);
  if (!adapter) {
    adapter = loaders[provider]();
    // A failed download (flaky network) may be retried by the next call.
    adapter.catch(() => loaded.delete(provider));
    loaded.set(provider, adapter);
  }
  return adapter as Promise<VideoProviderAdapter<C>>;
}
