import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError } from "../api/http";
import { redeemJoinKey } from "../api/video-sessions";
import { takeFromFragment } from "../auth/fragment";
import { forgetRoomToken, forgetToken, storedRoomToken, storedToken, storeRoomToken } from "../auth/stored-token";

export type Access =
  | { status: "checking" }
  | { status: "ready"; token: string }
  /** A personal link that no longer opens the session: cancelled, moved or expired (403/410). */
  | { status: "link-invalid"; message: string }
  | { status: "signed-out" }
  | { status: "error"; message: string };

/**
 * Who the viewer is, for this room: a personal join link (`#k=<key>`, exchanged once for a
 * bearer scoped to this session) or the dashboard's sign-in. The key leaves the address bar
 * before anything else happens, and goes to the server in a POST body, never in a URL.
 */
export function useSessionAccess(roomName: string): { access: Access; signedOut: () => void } {
  const [access, setAccess] = useState<Access>({ status: "checking" });

  useEffect(() => {
    const key = takeFromFragment("k");
    if (!key) {
      const token = storedRoomToken(roomName) ?? storedToken();
      setAccess(token ? { status: "ready", token } : { status: "signed-out" });
      return;
    }
    redeemJoinKey(roomName, key).then(
      ({ token }) => {
        storeRoomToken(roomName, token);
        setAccess({ status: "ready", token });
      },
      (error: unknown) => {
        if (error instanceof ApiError && (error.status === 403 || error.status === 410 || error.status === 404)) {
          forgetRoomToken(roomName);
          setAccess({ status: "link-invalid", message: error.message });
        } else {
          setAccess({ status: "error", message: error instanceof Error ? error.message : "The link could not be checked" });
        }
      },
    );
  }, [roomName]);

  /** The API said 401: whatever we held has expired. */
  const signedOut = useCallback(() => {
    forgetRoomToken(roomName);
    forgetToken();
    setAccess({ status: "signed-out" });
  }, [roomName]);

  return { access, signedOut };
}
