/**
 * Fills a running stack with a living market through the public API (the gateway): sellers with
 * approved stores, a category tree, a few hundred products with options and photos, buyers, orders
 * in every status, reviews, coupons, a promotion and notices. Idempotent: everything is found by a
 * fixed email or name first, so a second run adds nothing. Run it with scripts/seed.sh.
 */
import { adminToken, base, report } from './api.ts';
import * as catalog from './catalog.ts';
import * as marketing from './marketing.ts';
import * as orders from './orders.ts';
import * as people from './people.ts';

const started = Date.now();
console.log(`[seed] filling ${base}`);
const admin = await adminToken();

const s = await people.sellers(admin);
report('sellers', { total: s.sellers.length, 'signed up': s.created, approved: s.approved }, started);

const c = await catalog.categories(admin);
report('categories', { leaves: c.leafIds.length, created: c.created }, started);

const p = await catalog.products(admin, s.sellers, c.leafIds);
report(
  'products',
  { total: p.listed.length, created: p.created, approved: p.approved, photos: p.photos },
  started,
);

const b = await people.buyers();
report('buyers', { total: b.buyers.length, 'signed up': b.created }, started);

const coupons = await marketing.coupons(admin);
report('coupons', { created: coupons.created }, started);
const promo = await marketing.promotion(admin, coupons.winter);
report('promotion', { created: promo.created }, started);
const n = await marketing.notices(admin);
report('notices', { created: n.created, published: n.published }, started);

const o = await orders.orders(b.buyers, s.sellers, p.listed, coupons.welcome);
report('orders', { placed: o.placed, 'with a coupon': o.couponUsed }, started);
const r = await orders.reviews(b.buyers);
report('reviews', { written: r.written }, started);

report('done', await orders.orderCounts(b.buyers), started);
