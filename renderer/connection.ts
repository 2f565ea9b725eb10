/** The back end the stores talk to, set once at start-up (see state.ts), and which library it holds. */
import { API_METHODS, type ApiHandlers, type ApiMethod, type ApiResponse } from '../shared/api';
import type { Backend } from './api';
import { dismissOfflineNotices, isUnreachable } from './notices';

let backend: Backend | undefined;
let libraryInfo: Promise<ApiResponse<'getLibraryInfo'>> | undefined;

let calls: ApiHandlers | undefined;

/**
 * Every call goes through here: an answer of any kind (a result, or a refusal such as a
 * conflict) shows the back end can be reached, so notices that said it could not go.
 */
function watchReachability(handlers: ApiHandlers): ApiHandlers {
  const watched: Partial<Record<ApiMethod, (request: unknown) => Promise<unknown>>> = {};
  for (const method of API_METHODS) {
    const call = handlers[method] as (request: unknown) => Promise<unknown>;
    watched[method] = (request) =>
      call(request).then(
        (result) => {
          dismissOfflineNotices();
          return result;
        },
        (error: unknown) => {
          if (!isUnreachable(error)) dismissOfflineNotices();
          throw error;
        },
      );
  }
  // Each entry calls the handler of its own method.
  return watched as ApiHandlers;
}

export function setBackend(connected: Backend): void {
  backend = connected;
  calls = watchReachability(connected.api);
  libraryInfo = undefined;
}

export function api(): ApiHandlers {
  if (!backend || !calls) throw new Error('the workbench started without a back end');
  return calls;
}

/** The library's id, file and name, asked for once. */
export function currentLibrary(): Promise<ApiResponse<'getLibraryInfo'>> {
  libraryInfo ??= api().getLibraryInfo({});
  libraryInfo.catch(() => (libraryInfo = undefined));
  return libraryInfo;
}
