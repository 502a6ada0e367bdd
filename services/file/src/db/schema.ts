import type { Generated, PlatformTables } from '@mp/platform';

export type FileStatus = 'PENDING' | 'READY' | 'DELETED';

/** files_db.file_metadata, the file service's metadata table: the bytes live in object storage under `key`. */
export interface FilesTable {
  id: string;
  owner_id: string;
  purpose: string;
  filename: string;
  content_type: string;
  /** Bytes, as declared at upload and checked at completion. */
  size: number;
  status: FileStatus;
  key: string;
  /** Variant name → object key (thumbnail, medium), made by the resize worker. */
  variants: Generated<Record<string, string>>;
  /** The resize worker still has to make the variants (leased until variant_due_at while it works). */
  variants_pending: Generated<boolean>;
  variant_attempts: Generated<number>;
  variant_due_at: Date | null;
  variant_error: string | null;
  width: number | null;
  height: number | null;
  upload_expires_at: Date;
  created_at: Generated<Date>;
  completed_at: Date | null;
  deleted_at: Date | null;
}

/** The tables of the file service's schema (`file`). */
export interface Database extends PlatformTables {
  files: FilesTable;
}
