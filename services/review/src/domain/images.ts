import type { FileMetadata } from '@mp/contracts';
import { ApiError, type Dapr, unprocessable } from '@mp/platform';
import type { ReviewImage } from '../db/schema.ts';

/** Through `GET /internal/files/{id}`: review photos must be the reviewer's own uploaded review images. */
export async function resolveImages(dapr: Dapr, userId: string, fileIds: string[]): Promise<ReviewImage[]> {
  const errors: { path: string; message: string }[] = [];
  const images = await Promise.all(
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
        f.ownerId !== userId
          ? 'no such file'
          : f.status !== 'READY'
            ? `the file is ${f.status.toLowerCase()}; complete its upload first`
            : f.purpose !== 'review-image' || !f.contentType.startsWith('image/')
              ? 'not a review image'
              : undefined;
      if (problem) {
        errors.push({ path: `imageFileIds.${i}`, message: problem });
        return undefined;
      }
      return { fileId, url: f.url, thumbnailUrl: f.variants.thumbnail ?? f.url };
    }),
  );
  if (errors.length) throw unprocessable('IMAGE_NOT_USABLE', 'Some images cannot be used', { errors });
  return images as ReviewImage[];
}
