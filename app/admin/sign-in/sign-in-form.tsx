"use client";
import { signIn } from "next-auth/react";
import { useEffect, useRef, useState } from "react";
import { useHydrated } from "@/app/admin/use-hydrated";

/** Must match adminRegionCookie in lib/auth/admin-auth-options.ts (the server reads it to pick the login host). */
const regionCookie = "longrun_admin_region";

export function SignInForm({ regions, initialRegion, autoStart, words }: { regions: string[]; initialRegion: string; autoStart: boolean; words: { region: string; button: string; redirecting: string } }) {
  const [region, setRegion] = useState(initialRegion);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();
  const started = useRef(false);

  const start = async (chosen: string) => {
    setBusy(true);
    document.cookie = `${regionCookie}=${encodeURIComponent(chosen)}; path=/; max-age=3600; samesite=lax`;
    await signIn("genesys", { callbackUrl: "/admin" });
  };

  useEffect(() => {
    if (autoStart && !started.current) {
      started.current = true;
      void start(initialRegion);
    }
  }, [autoStart, initialRegion]);

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void start(region);
      }}
    >
      <label>
        {words.region}
        <select name="region" value={region} onChange={(e) => setRegion(e.target.value)}>
          {regions.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <p>
        <button type="submit" disabled={busy || !hydrated}>
          {busy ? words.redirecting : words.button}
        </button>
      </p>
    </form>
  );
}
