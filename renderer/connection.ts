/** The back end the stores talk to, set once at start-up (see state.ts), and which library it holds. */
import type { ApiResponse } from '../shared/api';
import type { Backend } from './api';

let backend: Backend | undefined;
let libraryInfo: Promise<ApiResponse<'getLibraryInfo'>> | undefined;

export function setBackend(connected: Backend): void {
  backend = connected;
  libraryInfo = undefined;
}

export function api(): Backend['api'] {
  if (!backend) throw new Error('the workbench started without a back end');
  return backend.api;
}

/** The library's id, file and name, asked for once. */
export function currentLibrary(): Promise<ApiResponse<'getLibraryInfo'>> {
  libraryInfo ??= api().getLibraryInfo({});
  libraryInfo.catch(() => (libraryInfo = undefined));
  return libraryInfo;
}
