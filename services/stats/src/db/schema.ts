import type { PlatformTables } from '@mp/platform';

/** Sign-ups per day (Korean calendar day, Asia/Seoul) and role: 가입자 통계. */
export interface DailySignupsTable {
  day: string;
  role: string;
  count: number;
}

export interface Database extends PlatformTables {
  daily_signups: DailySignupsTable;
}
