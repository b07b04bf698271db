import type { ReactNode } from "react";
// Spark's typefaces (Noto Sans for text, Urbanist for headings, Noto Sans Mono for code), self-hosted:
// genesys-spark then finds them in document.fonts and loads no font from its CDN.
import "@fontsource/noto-sans/400.css";
import "@fontsource/noto-sans/600.css";
import "@fontsource/noto-sans/700.css";
import "@fontsource/urbanist/600.css";
import "@fontsource/urbanist/700.css";
import "@fontsource/noto-sans-mono/400.css";
import "./globals.css";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { sparkAssetsUrl } from "@/lib/spark/spark-assets";
import { SparkLoader } from "@/app/spark-loader";

export async function generateMetadata() {
  const { t } = await requestSpeech();
  return {
    title: t("common.appName"),
    description: t("home.intro"),
    icons: { icon: [{ url: "/favicon.svg", type: "image/svg+xml" }, { url: "/favicon.ico", sizes: "32x32" }], apple: "/icon-192.png" },
    manifest: "/manifest.webmanifest",
  };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The admin's Genesys language, else the browser's; the panel sets the agent's Genesys language on its own subtree and on <html> once it runs.
  const { speech } = await requestSpeech();
  return (
    <html lang={speech.locale}>
      <body>
        <SparkLoader assetsUrl={sparkAssetsUrl()} />
        {children}
      </body>
    </html>
  );
}
