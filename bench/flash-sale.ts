/**
 * The flash sale through the gateway: 1,000 concurrent orders for a SKU with 100 in stock.
 *   MP_STACK=3 node bench/flash-sale.ts [stock=100]
 * Prints how long the 1,000 took, how many became orders (must be exactly `stock`), latency
 * percentiles, the stock afterwards, and the CPU the stack spent. With `0` every buyer is refused:
 * what a refusal costs, without the winners' sagas.
 */
import { cpuBetween, cpuBreakdown, sampleCpu } from './lib/cpu.ts';
import { placeOrders } from './lib/load.ts';
import {
  address,
  adminToken,
  call,
  fmt,
  buyers as makeBuyers,
  product,
  verifiedSeller,
} from './lib/market.ts';

const stockCount = Number(process.argv[2] ?? 100);
const admin = await adminToken();
const seller = await verifiedSeller(admin);
const item = await product(admin, seller, { name: '한정판 스니커즈', price: 189_000, stock: stockCount });
const buyers = await makeBuyers(20);
const body = {
  items: [{ productId: item.productId, sku: item.sku, quantity: 1 }],
  shippingAddress: address,
  paymentMethod: 'card',
};

const before = await sampleCpu();
const run = await placeOrders({ tokens: buyers.map((b) => b.token), body, connections: 1000, amount: 1000 });
const after = await sampleCpu();
const stock = (await call('GET', `/api/v1/inventory/${item.sku}`, { token: seller.token })).body;

console.log(`
flash sale: 1,000 concurrent orders (1,000 connections) for a SKU with ${stockCount} in stock
  done in              ${fmt(run.seconds, 2)} s   answers: ${JSON.stringify(run.byStatus)}
  orders created       ${run.created.length} (distinct ${new Set(run.created.map((c) => c.id)).size})
  latency (ms)         p50 ${fmt(run.latency.p50)}  p95 ${fmt(run.latency.p95)}  p99 ${fmt(run.latency.p99)}  max ${fmt(run.latency.max)}
  stock afterwards     onHand ${stock.onHand}  reserved ${stock.reserved}  available ${stock.available}
  CPU                  ${fmt(cpuBetween(before, after), 2)} CPU s for the 1,000 requests, ${fmt(run.clientCpu, 2)} CPU s this bench's own client (autocannon)
  CPU by process       ${cpuBreakdown(before, after)
    .map(([n, s]) => `${n} ${fmt(s, 2)}`)
    .join(', ')}
`);
process.exit(run.created.length === stockCount ? 0 : 1);
