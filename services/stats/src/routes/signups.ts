import {
  type App,
  createRoute,
  jsonResponse,
  problems,
  requireRole,
  type ServiceDeps,
  sql,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { checkRange, rangeQuery } from './range.ts';

const signups = createRoute({
  method: 'get',
  path: '/api/v1/stats/signups',
  summary: 'Sign-ups per day and role (admin)',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  request: { query: rangeQuery },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(
          z.object({ date: z.string(), buyer: z.int(), seller: z.int(), admin: z.int(), total: z.int() }),
        ),
      }),
      'Counts per day, oldest first',
    ),
    ...problems(400, 401, 403),
  },
});

export function signupRoutes(app: App, { db }: ServiceDeps<Database>): void {
  app.openapi(signups, async (c) => {
    const { from, to } = c.req.valid('query');
    checkRange(from, to, 3660);
    const { rows } = await sql<{ date: string; role: string; count: number }>`
      select to_char(day, 'YYYY-MM-DD') as date, role, count from daily_signups
      where day between ${from}::date and ${to}::date order by day`.execute(db);
    const byDay = new Map<
      string,
      { date: string; buyer: number; seller: number; admin: number; total: number }
    >();
    for (const r of rows) {
      const d = byDay.get(r.date) ?? { date: r.date, buyer: 0, seller: 0, admin: 0, total: 0 };
      if (r.role === 'buyer' || r.role === 'seller' || r.role === 'admin') d[r.role] += r.count;
      d.total += r.count;
      byDay.set(r.date, d);
    }
    return c.json({ items: [...byDay.values()] }, 200);
  });
}
