// Where Genesys Spark's web components come from, decided in one place.
// Production loads them from Genesys's CDN (the script genesys-spark's
// registerSparkComponents() injects, shared with the agent desktop's own
// cache; next.config.js allows its origin). genesys-spark and
// genesys-spark-components are pinned to the same version, so the local files
// are the CDN's files. SPARK_ASSETS=local serves the
// same files from the installed genesys-spark-components package under
// /spark/ instead: for the browser tests (this machine is offline) and for
// self-hosted installs that cannot reach Genesys's CDN.
import packageJson from "genesys-spark-components/package.json";

export type SparkSource = "cdn" | "local";

/** The path the app serves the package's dist/genesys-webcomponents folder under (app/spark/[...asset]/route.ts). */
export const localSparkPath = "/spark/";

/** The origin genesys-spark loads components and fonts from when the page is not on a Genesys domain (its getRegionDomain()). */
export const sparkCdnOrigin = "https://app.mypurecloud.com";

export const sparkVersion: string = packageJson.version;

export function sparkSource(environment: Record<string, string | undefined> = process.env): SparkSource {
  return environment.SPARK_ASSETS?.trim().toLowerCase() === "local" ? "local" : "cdn";
}

/** registerSparkComponents()'s assetsUrl: undefined means its CDN default. */
export function sparkAssetsUrl(source: SparkSource = sparkSource()): string | undefined {
  return source === "local" ? `${localSparkPath}${sparkVersion}/` : undefined;
}
