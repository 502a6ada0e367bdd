/** Coupons, a promotion (기획전) and published notices, each found by its name before it is made. */
import { all, must } from './api.ts';

const day = 86_400_000;

const couponPlans = [
  { name: '신규가입 5천원 할인', type: 'FIXED', value: 5000, minOrderAmount: 10_000, totalQuantity: 1000 },
  { name: '겨울 기획전 10% 할인', type: 'PERCENT', value: 10, minOrderAmount: 20_000, maxDiscount: 10_000 },
  { name: '주말 특가 3천원', type: 'FIXED', value: 3000, minOrderAmount: 15_000, totalQuantity: 500 },
];

export async function coupons(admin: string) {
  const existing = await all<{ id: string; name: string; issuer: string }>('/api/v1/coupons');
  let created = 0;
  const ids: Record<string, string> = {};
  for (const plan of couponPlans) {
    const found = existing.find((c) => c.name === plan.name && c.issuer === 'ADMIN');
    if (found) ids[plan.name] = found.id;
    else {
      const made = await must(
        'POST',
        '/api/v1/coupons',
        {
          token: admin,
          body: {
            ...plan,
            validFrom: new Date(Date.now() - 60_000).toISOString(),
            validUntil: new Date(Date.now() + 90 * day).toISOString(),
          },
        },
        [201],
      );
      ids[plan.name] = made.id;
      created++;
    }
  }
  return { welcome: ids[couponPlans[0]!.name]!, winter: ids[couponPlans[1]!.name]!, created };
}

export async function promotion(admin: string, couponId: string) {
  const name = '겨울 맞이 기획전';
  const existing = await all<{ id: string; name: string }>('/api/v1/coupons/promotions/managed', admin);
  if (existing.some((p) => p.name === name)) return { created: 0 };
  await must(
    'POST',
    '/api/v1/coupons/promotions',
    {
      token: admin,
      body: {
        name,
        description: '따뜻한 겨울 준비, 전 상품 10% 할인 쿠폰을 받아 가세요.',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 60 * day).toISOString(),
        published: true,
        couponIds: [couponId],
      },
    },
    [201],
  );
  return { created: 1 };
}

const noticePlans = [
  {
    title: '마켓플레이스 오픈 안내',
    body: '새로운 마켓플레이스가 문을 열었습니다. 다양한 상품을 만나 보세요.',
    audience: 'ALL',
    pinned: true,
  },
  {
    title: '설 연휴 배송 안내',
    body: '설 연휴 기간에는 택배사 사정으로 배송이 2~3일 늦어질 수 있습니다.',
    audience: 'BUYERS',
  },
  { title: '정산 주기 안내', body: '판매 대금은 구매확정 후 매주 월요일에 정산됩니다.', audience: 'SELLERS' },
];

export async function notices(admin: string) {
  const existing = await all<{ id: string; title: string; status: string }>('/api/v1/admin/notices', admin);
  let created = 0;
  let published = 0;
  for (const plan of noticePlans) {
    let notice = existing.find((n) => n.title === plan.title);
    if (!notice) {
      notice = await must('POST', '/api/v1/admin/notices', { token: admin, body: plan }, [201]);
      created++;
    }
    if (notice!.status !== 'PUBLISHED') {
      await must('POST', `/api/v1/admin/notices/${notice!.id}/publish`, { token: admin });
      published++;
    }
  }
  return { created, published };
}
