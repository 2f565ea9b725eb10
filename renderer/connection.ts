/** The back end the stores talk to, set once at start-up (see state.ts). */
import type { Backend } from './api';

let backend: Backend | undefined;

export function setBackend(connected: Backend): void {
  backend = connected;
}

export function api(): Backend['api'] {
  if (!backend) throw new Error('the workbench started without a back end');
  return backend.api;
}
