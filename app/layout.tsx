import type { ReactNode } from "react";
import "./globals.css";

export const metadata = { title: "Longrun", description: "Long-running workflows for Genesys Cloud CX" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
