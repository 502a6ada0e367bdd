/** file's one synchronous call: a file's metadata, checked by whoever attaches an uploaded file. */
import { z } from 'zod';

export const fileMetadata = z.object({
  fileId: z.string(),
  ownerId: z.string(),
  status: z.enum(['PENDING', 'READY', 'DELETED']),
  contentType: z.string(),
  size: z.int(),
  purpose: z.string(),
  filename: z.string(),
  url: z.string(),
  variants: z.record(z.string(), z.string()),
  width: z.int().nullable(),
  height: z.int().nullable(),
  createdAt: z.string(),
});
export type FileMetadata = z.output<typeof fileMetadata>;
