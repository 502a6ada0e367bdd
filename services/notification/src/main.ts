import { type LocalMount, localModule, runService } from '@mp/platform';
import type { NotificationContext } from './context.ts';
import { notificationService } from './service.ts';

// Local runs name the FCM and Kakao sandboxes (services/notification/sandbox/index.ts) in LOCAL_MODULE.
const local = await localModule<LocalMount<NotificationContext>>('notification');
await runService(notificationService(local ? { local } : {}));
