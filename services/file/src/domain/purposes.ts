/** What each kind of upload may be: its content types, its size limit, and whether anyone may read it. */
export interface Purpose {
  types: readonly string[];
  maxBytes: number;
  /** Served to anyone from the CDN (product and review images); otherwise by short-lived signed URLs. */
  public: boolean;
  /** Images get resized variants. */
  image: boolean;
}

const MB = 1024 * 1024;

/**
 * The most pixels an image may have (width × height; one frame of an animation). sharp would
 * decode up to 268 MP, and a few kilobytes of PNG can declare that much (an image bomb) and kill
 * the resizer's pod; 40 MP is more than any camera's photo a shop needs, and decodes in about
 * 160 MB.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;
const imageTypes = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;

export const purposes: Record<string, Purpose> = {
  'product-image': { types: imageTypes, maxBytes: 10 * MB, public: true, image: true },
  'review-image': { types: imageTypes, maxBytes: 10 * MB, public: true, image: true },
  'profile-image': { types: imageTypes, maxBytes: 5 * MB, public: true, image: true },
  /** 사업자등록증, 정산서 and the like. */
  document: {
    types: ['application/pdf', 'image/jpeg', 'image/png'],
    maxBytes: 20 * MB,
    public: false,
    image: false,
  },
};
export const purposeNames = Object.keys(purposes) as [string, ...string[]];
export const publicPurposes = purposeNames.filter((p) => purposes[p]!.public);

const extensions: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
};
export const extensionOf = (contentType: string) => extensions[contentType] ?? 'bin';

/** The variants made of every image: name → how to make it. */
export const variantSpecs = {
  thumbnail: { width: 240, height: 240, fit: 'cover' },
  medium: { width: 800, height: 800, fit: 'inside' },
} as const;

/** sharp's format names for the image types we accept. */
export const sharpFormatOf: Record<string, string> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};
