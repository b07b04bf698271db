// Any path under /api that no route has: a JSON 404, never the HTML not-found page.
import { unknownApiPath } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = unknownApiPath();
