import { kst, LINK_TOKEN, type Message, type Templates } from './message.ts';

const linkTokenOf = (e: object) => (e as { [LINK_TOKEN]?: string })[LINK_TOKEN] ?? '';

/** The account and store messages: sign-in mail, welcome, suspensions, seller and product reviews. */
export const accountTemplates: Templates = {
  'auth.password.reset': (e, base): Message =>
    e.data.phase === 'requested'
      ? {
          template: 'password-reset',
          vars: {
            link: `${base}/reset-password?token=${linkTokenOf(e)}`,
            expiresAt: e.data.expiresAt ? kst(e.data.expiresAt) : '',
            email: e.data.email ?? '',
          },
          category: 'account',
          userId: e.data.userId,
          email: e.data.email,
          title: '비밀번호 재설정 안내',
          lines: [
            '비밀번호 재설정을 요청하셨습니다. 아래 버튼을 눌러 새 비밀번호를 정해 주세요.',
            `이 링크는 ${e.data.expiresAt ? kst(e.data.expiresAt) : '곧'}까지 한 번만 쓸 수 있습니다.`,
            '요청하지 않으셨다면 이 메일을 무시하셔도 됩니다.',
          ],
          action: {
            label: '비밀번호 재설정',
            url: `${base}/reset-password?token=${linkTokenOf(e)}`,
          },
          secret: true,
        }
      : {
          template: 'password-changed',
          vars: { changedAt: kst(e.data.at), email: e.data.email ?? '' },
          category: 'account',
          userId: e.data.userId,
          email: e.data.email,
          title: '비밀번호가 변경되었습니다',
          lines: [
            `${kst(e.data.at)}에 비밀번호가 변경되어 모든 기기에서 로그아웃되었습니다.`,
            '직접 변경하지 않으셨다면 즉시 고객센터로 알려 주세요.',
          ],
        },
  'auth.email.verification': (e, base): Message => {
    const link = `${base}/verify-email?token=${linkTokenOf(e)}`;
    return {
      template: 'email-verification',
      vars: { link, expiresAt: kst(e.data.expiresAt), email: e.data.email },
      category: 'account',
      userId: e.data.userId,
      email: e.data.email,
      title: '이메일 주소를 확인해 주세요',
      lines: [
        '가입하신 이메일 주소가 맞는지 확인합니다. 아래 버튼을 눌러 주세요.',
        `이 링크는 ${kst(e.data.expiresAt)}까지 한 번만 쓸 수 있습니다.`,
        '가입하지 않으셨다면 이 메일을 무시하셔도 됩니다.',
      ],
      action: { label: '이메일 확인', url: link },
      secret: true,
    };
  },
  'user.created': (e) => ({
    template: 'welcome',
    vars: { name: e.data.name, email: e.data.email },
    category: 'account',
    userId: e.data.userId,
    email: e.data.email,
    title: `${e.data.name}님, 가입을 환영합니다`,
    lines: [
      e.data.role === 'seller'
        ? '판매자 회원으로 가입하셨습니다. 입점 신청을 진행해 주세요.'
        : '지금 바로 쇼핑을 시작해 보세요.',
    ],
  }),
  'admin.user.suspended': (e) => ({
    template: 'account-suspended',
    vars: { reason: e.data.reason },
    category: 'account',
    userId: e.data.userId,
    title: '계정 이용이 정지되었습니다',
    lines: [`사유: ${e.data.reason}`, '문의는 고객센터로 해 주세요.'],
  }),
  'seller.created': (e) => ({
    template: 'seller-application-received',
    vars: { storeName: e.data.storeName },
    category: 'seller',
    userId: e.data.userId,
    title: '입점 신청이 접수되었습니다',
    lines: [`${e.data.storeName} 스토어의 입점 신청을 검토하고 있습니다. 결과는 메일로 알려 드립니다.`],
  }),
  'seller.verified': (e) => ({
    template: 'seller-verified',
    vars: { verifiedAt: kst(e.data.verifiedAt) },
    category: 'seller',
    userId: e.data.userId,
    title: '입점이 승인되었습니다',
    lines: ['이제 상품을 등록하고 판매를 시작할 수 있습니다.'],
  }),
  'store.updated': (e) =>
    e.data.status === 'REJECTED'
      ? {
          template: 'seller-rejected',
          vars: { storeName: e.data.storeName, reason: e.data.reason ?? '-' },
          category: 'seller',
          userId: e.data.sellerId,
          title: '입점 신청이 반려되었습니다',
          lines: [`사유: ${e.data.reason ?? '-'}`, '내용을 보완해 다시 신청하실 수 있습니다.'],
        }
      : undefined,
  'seller.suspended': (e) => ({
    template: 'seller-suspended',
    vars: { reason: e.data.reason },
    category: 'seller',
    userId: e.data.userId,
    title: '판매가 정지되었습니다',
    lines: [`사유: ${e.data.reason}`],
  }),
  'product.approved': (e) => ({
    template: 'product-approved',
    vars: { productName: e.data.name },
    category: 'seller',
    userId: e.data.sellerId,
    title: '상품이 승인되었습니다',
    lines: [`${e.data.name} 상품이 심사를 통과해 판매를 시작합니다.`],
  }),
  'product.rejected': (e) => ({
    template: 'product-rejected',
    vars: { productName: e.data.name, reason: e.data.reason },
    category: 'seller',
    userId: e.data.sellerId,
    title: '상품이 반려되었습니다',
    lines: [`${e.data.name}: ${e.data.reason}`],
  }),
  // An approved product's edit held for review (심사 대기), then its verdict; the approved version sells meanwhile.
  'product.revision.submitted': (e) => ({
    template: 'product-revision-held',
    vars: { productName: e.data.name },
    category: 'seller',
    userId: e.data.sellerId,
    title: '상품 수정 내용이 심사 중입니다',
    lines: [
      `${e.data.name} 상품의 수정 내용은 심사 후 반영됩니다.`,
      '심사가 끝날 때까지 승인된 내용으로 계속 판매됩니다.',
    ],
  }),
  'product.revision.approved': (e) => ({
    template: 'product-revision-approved',
    vars: { productName: e.data.name },
    category: 'seller',
    userId: e.data.sellerId,
    title: '상품 수정이 승인되었습니다',
    lines: [`${e.data.name} 상품의 수정 내용이 반영되었습니다.`],
  }),
  'product.revision.rejected': (e) => ({
    template: 'product-revision-rejected',
    vars: { productName: e.data.name, reason: e.data.reason },
    category: 'seller',
    userId: e.data.sellerId,
    title: '상품 수정이 반려되었습니다',
    lines: [`${e.data.name}: ${e.data.reason}`, '승인된 내용으로 계속 판매됩니다.'],
  }),
  'inventory.low_stock': (e) => ({
    template: 'low-stock',
    vars: { sku: e.data.sku, currentStock: String(e.data.currentStock), threshold: String(e.data.threshold) },
    category: 'seller',
    userId: e.data.sellerId,
    title: '재고가 얼마 남지 않았습니다',
    lines: [`${e.data.sku}: 남은 재고 ${e.data.currentStock}개 (기준 ${e.data.threshold}개)`],
  }),
  'inventory.out_of_stock': (e) => ({
    template: 'out-of-stock',
    vars: { sku: e.data.sku },
    category: 'seller',
    userId: e.data.sellerId,
    title: '품절되었습니다',
    lines: [`${e.data.sku}의 재고가 모두 소진되었습니다.`],
  }),
  // The buyer's receipt, and each seller's new-order alert (flow: order placed → sellers told).
};
