/**
 * Tokens for the API fuzzer (`scripts/test.sh fuzz`): the local admin, a fresh buyer and a fresh
 * verified seller with a product on sale, so the fuzzer's requests reach past authentication.
 * Prints `role token` lines.
 */
import { adminToken, buyer, product, verifiedSeller } from '../../bench/lib/market.ts';

const admin = await adminToken();
const seller = await verifiedSeller(admin);
await product(admin, seller, { name: '퍼즈 상품', price: 10_000, stock: 100 });
const who = await buyer();
console.log(`admin ${admin}\nseller ${seller.token}\nbuyer ${who.token}`);
