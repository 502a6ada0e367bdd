import { serviceForFile, startTestService, type TestServiceOptions } from '@mp/platform/testing';
import { service } from '../src/service.ts';

/** The admin service of one test file: started before its tests, closed after them. */
export function adminForFile(o: TestServiceOptions = {}) {
  return serviceForFile(() => startTestService(service, o), 'the admin service');
}
