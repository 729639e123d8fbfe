import type { Page } from "playwright-core";

/**
 * Init script (`context.addInitScript(recordConnections)`): every RTCPeerConnection and
 * WebSocket the page opens is also put on `window.__peerConnections` / `window.__webSockets`,
 * so a test can read a connection's stats or drop a socket. Both are the browser's own (a
 * subclass that only records), not stand-ins.
 *
 * This function is serialised into the page: it must not refer to anything outside itself.
 */
export function recordConnections(): void {
  const peerConnections: RTCPeerConnection[] = [];
  const webSockets: WebSocket[] = [];
  const NativePeerConnection = window.RTCPeerConnection;
  const NativeWebSocket = window.WebSocket;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      peerConnections.push(this);
    }
  };
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      webSockets.push(this);
    }
  };
  Object.assign(window, { __peerConnections: peerConnections, __webSockets: webSockets });
}

declare global {
  interface Window {
    __peerConnections: RTCPeerConnection[];
    __webSockets: WebSocket[];
  }
}

/** Bytes received so far over the page's open peer connections, by kind (`inbound-rtp` stats). */
export function inboundBytes(page: Page): Promise<{ audio: number; video: number }> {
  return page.evaluate(async () => {
    const totals = { audio: 0, video: 0 };
    for (const connection of window.__peerConnections.filter((pc) => pc.connectionState !== "closed")) {
      (await connection.getStats()).forEach((report: { type: string; kind?: "audio" | "video"; bytesReceived?: number }) => {
        if (report.type === "inbound-rtp" && report.kind) totals[report.kind] += report.bytesReceived ?? 0;
      });
    }
    return totals;
  });
}

/** The state of each peer connection the page made, oldest first. */
export function peerConnectionStates(page: Page): Promise<RTCPeerConnectionState[]> {
  return page.evaluate(() => window.__peerConnections.map((pc) => pc.connectionState));
}

/** Closes the page's open signalling socket under the page's feet, as a network blip would (the server sees it close). */
export function dropSignalling(page: Page): Promise<void> {
  return page.evaluate(() => {
    for (const socket of window.__webSockets)
      if (socket.url.includes("/signal/") && socket.readyState === WebSocket.OPEN) socket.close(1000);
  });
}

/** The browser says the network is back (the `online` event), as after a change of Wi-Fi. */
export function networkBack(page: Page): Promise<void> {
  return page.evaluate(() => void dispatchEvent(new Event("online")));
}

/** The newest peer connection's negotiation, as far as a test can see it: settled, and with which local ICE credentials. */
export function negotiation(page: Page): Promise<{ signalingState: string; connectionState: string; ufrag: string | undefined }> {
  return page.evaluate(() => {
    const pc = window.__peerConnections.at(-1)!;
    const ufrag = /a=ice-ufrag:(\S+)/.exec(pc.localDescription?.sdp ?? "")?.[1];
    return { signalingState: pc.signalingState, connectionState: pc.connectionState, ufrag };
  });
}
