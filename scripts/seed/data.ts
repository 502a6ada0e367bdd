/** What the seeded market holds: fixed names and emails, so a second run finds the first run's work. */

export const emailDomain = 'seed.example.kr';

/** Root categories, each with its leaves: the goods sold there and how their options vary. */
export const categoryTree: {
  name: string;
  leaves: { name: string; goods: string[]; axis: '사이즈' | '색상' | '용량'; values: string[] }[];
}[] = [
  {
    name: '패션의류',
    leaves: [
      {
        name: '티셔츠',
        goods: ['반팔 티셔츠', '긴팔 티셔츠', '오버핏 티셔츠'],
        axis: '사이즈',
        values: ['S', 'M', 'L'],
      },
      {
        name: '아우터',
        goods: ['경량 패딩', '울 코트', '바람막이'],
        axis: '사이즈',
        values: ['M', 'L', 'XL'],
      },
      {
        name: '바지',
        goods: ['와이드 슬랙스', '청바지', '조거 팬츠'],
        axis: '사이즈',
        values: ['28', '30', '32'],
      },
    ],
  },
  {
    name: '신발',
    leaves: [
      {
        name: '운동화',
        goods: ['러닝화', '스니커즈', '워킹화'],
        axis: '사이즈',
        values: ['250', '260', '270'],
      },
      {
        name: '샌들',
        goods: ['슬라이드', '스포츠 샌들', '쪼리'],
        axis: '사이즈',
        values: ['240', '260', '280'],
      },
    ],
  },
  {
    name: '뷰티',
    leaves: [
      { name: '스킨케어', goods: ['수분 크림', '토너', '앰플'], axis: '용량', values: ['50ml', '100ml'] },
      {
        name: '메이크업',
        goods: ['쿠션 팩트', '립 틴트', '아이섀도 팔레트'],
        axis: '색상',
        values: ['21호', '23호'],
      },
    ],
  },
  {
    name: '식품',
    leaves: [
      { name: '과일', goods: ['제주 감귤', '성주 참외', '청송 사과'], axis: '용량', values: ['2kg', '5kg'] },
      {
        name: '간편식',
        goods: ['김치찌개 밀키트', '떡볶이 밀키트', '곰탕'],
        axis: '용량',
        values: ['1인분', '2인분'],
      },
    ],
  },
  {
    name: '가전디지털',
    leaves: [
      {
        name: '주방가전',
        goods: ['에어프라이어', '전기포트', '커피머신'],
        axis: '색상',
        values: ['화이트', '블랙'],
      },
      {
        name: '음향기기',
        goods: ['무선 이어폰', '블루투스 스피커', '헤드폰'],
        axis: '색상',
        values: ['화이트', '블랙', '네이비'],
      },
    ],
  },
  {
    name: '생활',
    leaves: [
      {
        name: '침구',
        goods: ['차렵이불', '베개 커버', '극세사 담요'],
        axis: '사이즈',
        values: ['싱글', '퀸'],
      },
      {
        name: '주방용품',
        goods: ['스테인리스 냄비', '도마', '텀블러'],
        axis: '색상',
        values: ['실버', '블랙'],
      },
    ],
  },
];

export const leaves = categoryTree.flatMap((root) =>
  root.leaves.map((leaf) => ({ ...leaf, root: root.name })),
);

export const sellers = [
  { store: '한빛상점', representative: '김한빛' },
  { store: '바다마켓', representative: '이바다' },
  { store: '누리살림', representative: '박누리' },
  { store: '초록농장', representative: '최초록' },
  { store: '달빛공방', representative: '정달빛' },
  { store: '새벽배송', representative: '강새벽' },
].map((s, i) => ({ ...s, index: i, email: `seller-${String(i + 1).padStart(2, '0')}@${emailDomain}` }));

export const buyerCount = 24;
export const buyers = Array.from({ length: buyerCount }, (_, i) => ({
  index: i,
  email: `buyer-${String(i + 1).padStart(2, '0')}@${emailDomain}`,
  name:
    ['김', '이', '박', '최', '정', '강', '조', '윤'][i % 8]! +
    ['민준', '서연', '도윤', '하은', '지호', '수아'][i % 6]!,
}));

const adjectives = ['데일리', '프리미엄', '베이직', '시그니처', '클래식', '에센셜', '모던', '내추럴'];
const palette: [number, number, number][] = [
  [228, 87, 46],
  [41, 115, 178],
  [76, 154, 82],
  [232, 185, 35],
  [123, 82, 171],
  [36, 36, 36],
];
export const colourOf = (i: number) => palette[i % palette.length]!;

/** Products per seller per leaf: six sellers, each over about a third of the leaves. */
export const perLeaf = 12;

/** The leaves a seller sells in (each leaf has at least two sellers). */
export const leavesOf = (seller: number) => leaves.map((_, i) => i).filter((i) => (i + seller) % 3 === 0);

/** A product's plan: its name (unique per seller), price and options. */
export function productPlan(seller: number, leaf: number, n: number) {
  const l = leaves[leaf]!;
  const good = l.goods[n % l.goods.length]!;
  const adjective = adjectives[Math.floor(n / l.goods.length) % adjectives.length]!;
  const name = `${sellers[seller]!.store} ${adjective} ${good} ${n + 1}호`;
  const price = 5_000 + (((seller + 1) * 7919 + leaf * 104_729 + n * 3571) % 95) * 1_000;
  const options = l.values.map((v, k) => ({
    sku: `SEED-${seller + 1}-${leaf + 1}-${n + 1}-${k + 1}`,
    values: { [l.axis]: v },
    priceDelta: k * 1_000,
    stock: 50 + ((n + k) % 5) * 10,
  }));
  return {
    name,
    price,
    options,
    description: `${l.root} > ${l.name}: ${adjective} ${good}. 시드 데이터로 만든 상품입니다.`,
  };
}

/** A 사업자등록번호 for a seller index, with a valid check digit (fixed, so a rerun sends the same). */
export function businessNumber(i: number): string {
  const d = String(123_450_000 + i * 1_111)
    .padStart(9, '0')
    .split('')
    .map(Number);
  const w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  const sum = w.reduce((s, x, k) => s + x * d[k]!, 0) + Math.floor((d[8]! * 5) / 10);
  return [...d, (10 - (sum % 10)) % 10].join('');
}
