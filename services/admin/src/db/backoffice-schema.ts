import type { Generated } from '@mp/platform';

export type NoticeAudience = 'ALL' | 'BUYERS' | 'SELLERS';

/** 공지사항 */
/** Admin's announced decisions (domain/actions.ts). */
export interface AdminActionsTable {
  id: string;
  kind: 'USER_SUSPEND' | 'SELLER_APPROVE';
  target_id: string;
  admin_id: string;
  reason: string | null;
  status: Generated<'PENDING' | 'DONE'>;
  created_at: Generated<Date>;
  done_at: Date | null;
}

export interface NoticesTable {
  id: string;
  title: string;
  body: string;
  audience: NoticeAudience;
  pinned: boolean;
  status: 'DRAFT' | 'PUBLISHED';
  created_by: string;
  created_at: Date;
  updated_at: Date;
  published_by: string | null;
  published_at: Date | null;
}

/** 시스템 설정: one row per key that has been set (unset keys have their default). */
export interface SystemConfigsTable {
  key: string;
  value: unknown;
  version: number;
  updated_by: string;
  updated_at: Date;
  applied_version: number | null;
}

export interface SystemConfigHistoryTable {
  id: Generated<number>;
  key: string;
  value: unknown;
  version: number;
  updated_by: string;
  updated_at: Date;
}

export interface BackofficeTables {
  notices: NoticesTable;
  admin_actions: AdminActionsTable;
  system_configs: SystemConfigsTable;
  system_config_history: SystemConfigHistoryTable;
}
