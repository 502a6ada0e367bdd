/** Notification's templates, reworded by operators through the back office (decision 0023). */
import { z } from 'zod';

export const templateChannel = z.enum(['EMAIL', 'IN_APP', 'PUSH', 'SMS']);
export const templateName = z.string().min(1).max(64);

/** A channel's wording: the parts it has. */
export const templateParts = z.object({
  subject: z.string().max(200).optional().meta({ description: 'EMAIL: the subject line' }),
  html: z
    .string()
    .max(100_000)
    .optional()
    .meta({ description: 'EMAIL: the HTML content (variables are escaped)' }),
  title: z.string().max(200).optional().meta({ description: 'IN_APP, PUSH' }),
  body: z.string().max(4000).optional().meta({ description: 'IN_APP, PUSH' }),
  text: z
    .string()
    .max(4000)
    .optional()
    .meta({ description: 'SMS: the whole text (LMS beyond 90 bytes, at most 2,000)' }),
});

const channelView = z.object({
  channel: templateChannel,
  parts: z.array(z.string()),
  required: z.array(z.string()).meta({ description: '`part:variable` pairs a version must use' }),
  activeVersion: z.int().nullable().meta({ description: "null: the code's wording is sent" }),
  latestVersion: z.int(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export const templateView = z.object({
  template: z.string(),
  description: z.string(),
  variables: z.array(z.object({ name: z.string(), description: z.string(), sample: z.string() })),
  channels: z.array(channelView),
});
export const templateList = z.object({ items: z.array(templateView) });
export const templateDetail = templateView.extend({
  versions: z.array(
    z.object({
      channel: templateChannel,
      version: z.int(),
      content: templateParts,
      active: z.boolean(),
      createdBy: z.string(),
      createdAt: z.string(),
    }),
  ),
  changes: z.array(
    z.object({
      channel: templateChannel,
      action: z.enum(['PUBLISHED', 'ROLLED_BACK', 'DISABLED']),
      version: z.int().nullable(),
      changedBy: z.string(),
      changedAt: z.string(),
    }),
  ),
});

const adminId = z.string().min(1).max(64);
export const templateVersion = templateParts.extend({ adminId });
export const templateRollback = z.object({ adminId, version: z.int().min(1) });
export const templateDisable = z.object({ adminId });
export const templatePreview = z.object({
  channel: templateChannel,
  content: templateParts.optional(),
  version: z.int().min(1).optional(),
  data: z
    .record(z.string(), z.string().max(1000))
    .optional()
    .meta({ description: 'values instead of the samples' }),
});
/** The rendering of a draft, a version or the active override (sends nothing). */
export const templateRendering = z.object({
  template: z.string(),
  channel: templateChannel,
  version: z.int().nullable(),
  rendered: z.record(z.string(), z.unknown()),
});
