import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/options';

// next-auth's own routes: sign-in (credentials), sign-out, session, CSRF.
function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(authOptions())(req, ctx);
}

export { handler as GET, handler as POST };
