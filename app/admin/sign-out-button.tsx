"use client";
import { signOut } from "next-auth/react";

export function SignOutButton({ label }: { label: string }) {
  return (
    <gux-button-slot accent="secondary">
      <button type="button" onClick={() => void signOut({ callbackUrl: "/admin/sign-in" })}>
        {label}
      </button>
    </gux-button-slot>
  );
}
