"use client";
// Feedback belongs where the admin is looking: when a message appears next to
// the button that caused it, the page scrolls just enough ("nearest") for the
// message to be on screen, so a long form never hides its own answer below
// the fold.
import { useEffect, useRef } from "react";

/** A ref for the message; whenever `shown` changes to something truthy, the message is scrolled into view. */
export function useReveal<T extends HTMLElement>(shown: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (shown) ref.current?.scrollIntoView({ block: "nearest" });
  }, [shown]);
  return ref;
}
