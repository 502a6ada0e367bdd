import type { FileMetadata } from '@mp/contracts';
import { ApiError, type Dapr, forbidden, unprocessable } from '@mp/platform';

/** Through `GET /internal/sellers/{id}`: only a VERIFIED seller may list products. */
export async function requireVerifiedSeller(dapr: Dapr, sellerId: string): Promise<void> {
  let status: string;
  try {
    status = (await dapr.call('seller.sellers.get', { params: { id: sellerId } })).status;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) status = 'NONE';
    else throw err;
  }
  if (status !== 'VERIFIED') {
    throw forbidden(
      'SELLER_NOT_VERIFIED',
      status === 'NONE'
        ? 'Apply as a seller first; products are listed by verified sellers only'
        : `Your seller account is ${status.toLowerCase()}; only verified sellers list products`,
    );
  }
}

export interface ImageRef {
  fileId: string;
  url: string;
  thumbnailUrl: string | null;
}

/**
 * Through `GET /internal/files/{id}`: each image must be an uploaded (READY) product image of the product's seller. The
 * thumbnail is the file's `thumbnail` variant when the resize worker has made it.
 */
export async function resolveImages(dapr: Dapr, ownerId: string, fileIds: string[]): Promise<ImageRef[]> {
  const errors: { path: string; message: string }[] = [];
  const found = await Promise.all(
    fileIds.map(async (fileId, i) => {
      let f: FileMetadata;
      try {
        f = await dapr.call('file.files.get', { params: { id: fileId } });
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) {
          errors.push({ path: `imageFileIds.${i}`, message: 'no such file' });
          return undefined;
        }
        throw err;
      }
      const problem =
        f.ownerId !== ownerId
          ? 'no such file'
          : f.status !== 'READY'
            ? `the file is ${f.status.toLowerCase()}; complete its upload first`
            : !f.contentType.startsWith('image/') || f.purpose !== 'product-image'
              ? 'not a product image'
              : undefined;
      if (problem) {
        errors.push({ path: `imageFileIds.${i}`, message: problem });
        return undefined;
      }
      return { fileId, url: f.url, thumbnailUrl: f.variants.thumbnail ?? null };
    }),
  );
  if (errors.length) {
    throw unprocessable('IMAGE_NOT_USABLE', 'Some images cannot be used', {
      errors: errors.sort((a, b) => a.path.localeCompare(b.path)),
    });
  }
  return found as ImageRef[];
}
