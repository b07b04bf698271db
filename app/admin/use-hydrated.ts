"use client";
// The admin forms submit through their React handlers. Until React has
// hydrated the page, a click would submit the bare HTML form instead: a GET
// back to the same page with the fields in its address, and nothing saved.
// Submit buttons stay disabled until then.
import { useEffect, useState } from "react";

/** False in the server's HTML and until the component has mounted in the browser, true after. */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
