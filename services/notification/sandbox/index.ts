import type { LocalMount } from '@mp/platform';
import { kakaoAccount } from '../src/config.ts';
import type { NotificationContext } from '../src/context.ts';
import { fcmSandbox } from './fcm.ts';
import { kakaoSandbox } from './kakao.ts';

/**
 * The FCM and Kakao 비즈메시지 sandboxes as a local run mounts them (LOCAL_MODULE names this file;
 * no image has it), each when its switch is on: /sandbox/fcm (FCM_SANDBOX), /sandbox/kakao (KAKAO_SANDBOX).
 */
const mount: LocalMount<NotificationContext> = (app, { deps, pushAccount }) => {
  const c = deps.config;
  if (c.FCM_SANDBOX && pushAccount) fcmSandbox(app, deps.db as never, pushAccount);
  const kakao = kakaoAccount(c);
  if (c.KAKAO_SANDBOX && kakao) kakaoSandbox(app, deps.db as never, kakao);
};
export default mount;
