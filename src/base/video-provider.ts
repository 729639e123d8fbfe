/**
 * The video providers a session can run on. Each has an adapter in `providers/` and one entry in
 * the registry (`video/provider-registry.ts`), which TypeScript holds to this list.
 */
export const videoProviders = ["twilio", "agora", "webrtc"] as const;
export type VideoProvider = (typeof videoProviders)[number];
