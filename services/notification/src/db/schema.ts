import type { ConfigsTables, Generated, PlatformTables } from '@mp/platform';

export interface DeliveryAttemptsTable {
  event_id: string;
  template: string;
  user_id: Generated<string>;
  mailed_at: Date | null;
  failures: Generated<number>;
  last_error: string | null;
  updated_at: Generated<Date>;
}

export type Platform = 'ANDROID' | 'IOS' | 'WEB';

export interface DevicesTable {
  token: string;
  user_id: string;
  platform: Platform;
  /** The role the user signed in with when the device last registered (a notice names buyers or sellers). */
  role: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type Channel = 'PUSH' | 'SMS' | 'ALIMTALK';
export type DeliveryStatus = 'PENDING' | 'SENT' | 'FAILED' | 'SKIPPED';

/** A 알림톡 button (웹 링크): the name is part of the approved template, the links are the message's. */
export interface KakaoButton {
  name: string;
  type: 'WL';
  url_mobile: string;
  url_pc?: string;
}

/** A 알림톡 as the dispatcher sends it: the code, the filled-in text and the button (when the template has one). */
export interface Alimtalk {
  templateCode: string;
  message: string;
  button?: KakaoButton[];
}

/** What a push or a text says (rendered when the event was handled). */
export interface Content {
  category: string;
  title: string;
  body: string;
  link: string | null;
  /** SMS: the whole text as rendered then (rows written before templates had none). */
  text?: string;
  /** 알림톡: the approved template's code, its filled-in text and button. */
  alimtalk?: Alimtalk;
  /** The text channels still to try, in order, when this one fails (notification.textChannels). */
  fallbacks?: Channel[];
}

export interface DeliveriesTable {
  id: string;
  event_id: string;
  template: string;
  channel: Channel;
  user_id: string;
  correlation_id: string;
  content: Content;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  reached: Generated<string[]>;
  reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type TemplateChannel = 'EMAIL' | 'IN_APP' | 'PUSH' | 'SMS';
/** The parts of one channel's override: subject+html (EMAIL), title+body (IN_APP, PUSH), text (SMS). */
export type TemplateParts = Partial<Record<'subject' | 'html' | 'title' | 'body' | 'text', string>>;

export interface TemplateVersionsTable {
  template: string;
  channel: TemplateChannel;
  version: number;
  content: TemplateParts;
  created_by: string;
  created_at: Generated<Date>;
}

export interface TemplateOverridesTable {
  template: string;
  channel: TemplateChannel;
  active_version: number | null;
  latest_version: number;
  updated_by: string;
  updated_at: Generated<Date>;
}

export interface TemplateChangesTable {
  id: Generated<string>;
  template: string;
  channel: TemplateChannel;
  action: 'PUBLISHED' | 'ROLLED_BACK' | 'DISABLED';
  version: number | null;
  changed_by: string;
  changed_at: Generated<Date>;
}

/** The tables of the notification service's schema (`notification`); history and settings are in state stores. */
export interface Database extends PlatformTables, ConfigsTables {
  delivery_attempts: DeliveryAttemptsTable;
  devices: DevicesTable;
  deliveries: DeliveriesTable;
  template_versions: TemplateVersionsTable;
  template_overrides: TemplateOverridesTable;
  template_changes: TemplateChangesTable;
}
