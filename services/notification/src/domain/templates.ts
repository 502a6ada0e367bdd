import { accountTemplates } from './account-templates.ts';
import type { Templates } from './message.ts';
import { orderTemplates } from './order-templates.ts';

/**
 * What each event the catalog gives notification says, to whom: the account and store messages
 * (account-templates.ts) and the order messages (order-templates.ts). A published notice goes to
 * an audience, not a person: broadcast.ts.
 */
export const templates: Templates = {
  ...accountTemplates,
  ...orderTemplates,
  // Told to a whole audience by broadcast.ts, not one person at a time.
  'admin.notice.published': () => undefined,
};
