import { useEffect, useRef } from "preact/hooks";

/**
 * Moves keyboard focus to the element (a view's heading, with tabIndex={-1}) when the view
 * appears: when Join or Leave replaces the whole screen, focus must not fall back to <body>.
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
