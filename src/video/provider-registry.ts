import type { VideoProvider } from "../base/video-provider";
import { agoraVideo } from "../providers/agora/video-adapter";
import { twilioVideo } from "../providers/twilio/video-adapter";
import type { VideoProviderAdapter } from "../providers/video-adapter";
import { webrtcVideo } from "../providers/webrtc/video-adapter";

/** Every video provider's adapter, by the name appointments store in `video_provider`. */
export const videoProviderAdapters = {
  twilio: twilioVideo,
  agora: agoraVideo,
  webrtc: webrtcVideo,
} satisfies Record<VideoProvider, VideoProviderAdapter>;
