/**
 * Reads one parameter from the URL fragment and removes the whole fragment from the address bar.
 * Secrets (the platform's JWT, a join link's key) travel in the fragment because browsers never
 * send it to a server; removing it keeps it out of the history, bookmarks and screen shares.
 */
export function takeFromFragment(name: string): string | undefined {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  const value = fragment.get(name) ?? undefined;
  if (location.hash) history.replaceState(history.state, "", location.pathname + location.search);
  return value || undefined;
}
