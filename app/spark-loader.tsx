"use client";
// Defines Spark's custom elements (gux-*) once per page. Server-rendered
// gux-* tags show their light-DOM content until then.
import { useEffect } from "react";
import { registerSparkComponents } from "genesys-spark";

export function SparkLoader({ assetsUrl }: { assetsUrl: string | undefined }) {
  useEffect(() => {
    registerSparkComponents(assetsUrl ? { assetsUrl } : undefined).catch((error: unknown) => {
      // Without Spark the pages still work with their native elements.
      console.warn("Spark components did not load", error);
    });
  }, [assetsUrl]);
  return null;
}
