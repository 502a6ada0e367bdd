import { accountTemplates } from './account-templates.ts';
import type { Templates } from './message.ts';
import { orderTemplates } from './order-templates.ts';
import { returnTemplates } from './return-templates.ts';

/**
 * What each event the catalog gives notification says, to whom: the account and store messages
 * (account-templates.ts), the order messages (order-templates.ts) and
 * the returns' and exchanges' (return-templates.ts). A published notice goes to
 * an audience, not a person: broadcast.ts.
 */
export const templates: Templates = {
  ...accountTemplates,
  ...orderTemplates,
  ...returnTemplates,
  // Told to a whole audience by broadcast.ts, not one person at a time.
  'admin.notice.published': () => undefined,
};
