/**
 * The page of the browser test: a storefront on its own origin that uses the typed client
 * (bundled by esbuild) to sign in, list a category's products and place an order through the gateway.
 */
import { createClient, idempotencyKey } from '@mp/client';

export interface Shop {
  api: string;
  email: string;
  password: string;
  categoryId: string;
  quantity: number;
}

async function run(shop: Shop) {
  let token: string | undefined;
  const api = createClient({ baseUrl: shop.api, token: () => token, credentials: 'include' });
  const login = await api.POST('/api/v1/auth/login', {
    body: { email: shop.email, password: shop.password },
  });
  if (login.error) return { step: 'login', error: login.error };
  token = (login.data as { accessToken: string }).accessToken;
  const products = await api.GET('/api/v1/products', {
    params: { query: { categoryId: shop.categoryId, limit: 10 } },
  });
  if (products.error) return { step: 'products', error: products.error };
  const product = products.data.items[0];
  if (!product) return { step: 'products', error: 'no product' };
  const page = await api.GET('/api/v1/products/{id}', { params: { path: { id: product.id } } });
  if (page.error) return { step: 'product', error: page.error };
  const sku = page.data.options[0]?.sku;
  if (!sku) return { step: 'product', error: 'no option' };
  const placed = await api.POST('/api/v1/orders', {
    params: { header: { 'Idempotency-Key': idempotencyKey() } },
    body: {
      items: [{ productId: product.id, sku, quantity: shop.quantity }],
      shippingAddress: {
        recipient: '최브라',
        phone: '010-2345-6789',
        address: '부산시 해운대구 1',
        zipCode: '48094',
      },
      paymentMethod: 'card',
    },
  });
  if (placed.error) return { step: 'order', error: placed.error };
  document.querySelector('#status')!.textContent = `주문 ${placed.data.id}: ${placed.data.status}`;
  return {
    step: 'done',
    productNames: products.data.items.map((p) => p.name),
    order: { id: placed.data.id, status: placed.data.status },
    // Readable from another origin only because the API exposes it (CORS).
    requestId: placed.response.headers.get('x-request-id'),
  };
}

/** A call the page makes without the client, to see a refused origin fail as a browser fails it. */
async function probe(url: string) {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return { status: res.status };
  } catch (err) {
    return { failed: String(err) };
  }
}

Object.assign(window, { storefront: { run, probe } });
