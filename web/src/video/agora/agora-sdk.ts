import type { IAgoraRTC } from "agora-rtc-sdk-ng";
import { injectedSdk } from "../injected-sdk";

/** The part of agora-rtc-sdk-ng this client uses (and the part a test stand-in must provide). */
export type AgoraSdk = Pick<
  IAgoraRTC,
  "createClient" | "createCustomAudioTrack" | "createCustomVideoTrack" | "setLogLevel" | "disableLogUpload"
>;

let loading: Promise<AgoraSdk> | undefined;

/** agora-rtc-sdk-ng, downloaded on first use (its own chunk, once), or the browser tests' stand-in. */
export function loadAgoraSdk(): Promise<AgoraSdk> {
  loading ??= importAgoraSdk();
  // A failed download (flaky network) may be retried by the next call.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

async function importAgoraSdk(): Promise<AgoraSdk> {
  const sdk = injectedSdk<AgoraSdk>("agora") ?? ((await import("agora-rtc-sdk-ng")).default as AgoraSdk);
  // Warnings and errors only, kept on this device: session logs stay out of Agora's log upload.
  sdk.setLogLevel(2);
  sdk.disableLogUpload();
  return sdk;
}
