// next-auth's endpoints for the admin sign-in (signin, callback, session, csrf, signout).
import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { adminAuthOptions, adminRegion, adminRegionCookie } from "@/lib/auth/admin-auth-options";

type Context = { params: Promise<{ nextauth: string[] }> };

async function handler(request: NextRequest, context: Context): Promise<Response> {
  const region = adminRegion(request.cookies.get(adminRegionCookie)?.value);
  return NextAuth(request, context as never, adminAuthOptions(region)) as Promise<Response>;
}

export { handler as GET, handler as POST };
