// next-auth's endpoints for the admin sign-in (signin, callback, session, csrf, signout).
import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { adminAuthOptions, adminRegion, adminRegionCookie } from "@/lib/auth/admin-auth-options";
import { routeMethods } from "@/lib/http/api-route";

type Context = { params: Promise<{ nextauth: string[] }> };

// Next hands route handlers a NextRequest; next-auth needs its cookies().
async function handler(request: Request, context: Context): Promise<Response> {
  const nextRequest = request as NextRequest;
  const region = adminRegion(nextRequest.cookies.get(adminRegionCookie)?.value);
  return NextAuth(nextRequest, context as never, adminAuthOptions(region)) as Promise<Response>;
}

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: handler, POST: handler });
