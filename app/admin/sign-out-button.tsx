"use client";
import { signOut } from "next-auth/react";
import { useHydrated } from "@/app/admin/use-hydrated";

export function SignOutButton({ label }: { label: string }) {
  const hydrated = useHydrated();
  return (
    <gux-button-slot accent="secondary">
      <button type="button" disabled={!hydrated} onClick={() => void signOut({ callbackUrl: "/admin/sign-in" })}>
        {label}
      </button>
    </gux-button-slot>
  );
}
