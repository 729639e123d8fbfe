import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { routeFor } from "./routing";
import { NotFoundPage } from "./ui/NotFoundPage";

/**
 * One page per load: links between pages are full navigations, so each page reads its URL once.
 * Each page is its own chunk: a patient opening a session link never downloads the dashboard.
 */
export function App() {
  const route = routeFor(location.pathname);
  switch (route.page) {
    case "dashboard":
      return <LazyPage load={() => import("./dashboard/DashboardPage").then((m) => m.DashboardPage)} props={{}} />;
    case "video-session":
      return (
        <LazyPage load={() => import("./session/VideoSessionPage").then((m) => m.VideoSessionPage)} props={{ roomName: route.roomName }} />
      );
    case "not-found":
      return <NotFoundPage />;
  }
}

function LazyPage<P extends object>({ load, props }: { load: () => Promise<ComponentType<P>>; props: P }) {
  const [Page, setPage] = useState<ComponentType<P> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    load().then(
      (page) => setPage(() => page),
      () => setFailed(true),
    );
  }, []);
  if (failed)
    return (
      <main class="page narrow">
        <h1>This page could not load</h1>
        <p>Check your connection and reload the page.</p>
      </main>
    );
  return Page ? <Page {...props} /> : <p class="page-loading">Loading…</p>;
}
