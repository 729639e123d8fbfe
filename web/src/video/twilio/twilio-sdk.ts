import type * as TwilioVideo from "twilio-video";
import { injectedSdk } from "../injected-sdk";

/** The part of twilio-video this client uses (and the part a test stand-in must provide). */
export type TwilioSdk = Pick<typeof TwilioVideo, "connect" | "LocalAudioTrack" | "LocalVideoTrack">;

let loading: Promise<TwilioSdk> | undefined;

/** twilio-video, downloaded on first use (its own chunk, once), or the browser tests' stand-in. */
export function loadTwilioSdk(): Promise<TwilioSdk> {
  loading ??= importTwilioSdk();
  // A failed download (flaky network) may be retried by the next call.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

async function importTwilioSdk(): Promise<TwilioSdk> {
  const standIn = injectedSdk<TwilioSdk>("twilio");
  if (standIn) return standIn;
  const module = (await import("twilio-video")) as TwilioSdk & { default?: TwilioSdk };
  // twilio-video is CommonJS: its exports are on `default` after the bundler's interop.
  return module.default ?? module;
}
