/**
 * `npm run serve [-- --library PATH --port N --host H]`: browser mode. Opens the library (a new
 * one gets the sample story, as with the command line), serves the built UI and the API on
 * loopback (electron/server/http.ts) and prints the address to open, token included. Bundled by
 * scripts/build.js into dist/serve.js. Exit code 2 for a command line that cannot be used
 * (including a host that is not loopback), 1 when the library or the port cannot be used.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openLibraryService } from '../library';
import { packageRoot, resolveLibraryPath } from '../paths';
import { startMaintenance } from '../store/maintenance';
import type { LibraryStore } from '../store/store';
import { createBrowserServer, type BrowserServer } from './http';
import { isLoopbackAddress, NotLoopbackError } from './loopback';
import { isUiBuilt } from './static-files';

export interface ServeIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const USAGE = `Usage: npm run serve [-- options]

Storydesk in a browser: serves the workbench and its library on this computer only and prints
the address to open, with a token that lasts until the server stops.

Options:
  --library PATH   the library file (default: STORYDESK_LIBRARY, else the user-data folder)
  --port N         the port to listen on (default: a free one)
  --host H         127.0.0.1 (the default), ::1 or localhost; other hosts are refused
  -h, --help       this help
`;

export interface RunningServe {
  server: BrowserServer;
  store: LibraryStore;
  /** Closes the server (event streams included), then the library. */
  stop(): Promise<void>;
}

/** The folder `npm run build` puts the UI in, which the server serves. */
export function rendererFolder(): string {
  return path.join(packageRoot(), 'dist', 'renderer');
}

/** Starts browser mode, or returns the exit code when it cannot start. */
export async function startServe(argv: string[], io: ServeIo): Promise<RunningServe | number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        library: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    io.stderr(`storydesk serve: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const port = values.port === undefined ? 0 : /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    io.stderr(`storydesk serve: --port takes a number from 0 to 65535 (0 picks a free port), not ${JSON.stringify(values.port)}\n`);
    return 2;
  }
  const host = values.host ?? '127.0.0.1';
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (!isLoopbackAddress(bare) && bare.toLowerCase() !== 'localhost') {
    io.stderr(`storydesk serve: ${new NotLoopbackError(host).message}\nUse --host 127.0.0.1 (the default), ::1 or localhost.\n`);
    return 2;
  }

  const libraryPath = resolveLibraryPath(values.library, { platform: process.platform, env: io.env, home: io.env.HOME || os.homedir() });
  let opened;
  try {
    opened = openLibraryService(libraryPath);
  } catch (error) {
    io.stderr(`storydesk serve: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
  const { store, service } = opened;
  if (store.created) io.stderr(`Created a new library at ${libraryPath}, with the sample story.\n`);

  const staticRoot = rendererFolder();
  let server: BrowserServer;
  try {
    server = await createBrowserServer({ service, staticRoot, host, port, log: (message) => io.stderr(`${message}\n`) });
  } catch (error) {
    store.close();
    if (error instanceof NotLoopbackError) {
      io.stderr(`storydesk serve: ${error.message}\n`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? `port ${port} is in use; choose another with --port, or leave it out to get a free one` : (error as Error).message;
    io.stderr(`storydesk serve: cannot listen: ${reason}\n`);
    return 1;
  }

  // Automatic backups and the thinning of old revisions, while the server runs.
  const maintenance = startMaintenance(store, { log: (message) => io.stderr(`${message}\n`) });

  io.stdout(`Storydesk is running at ${server.pageUrl}\n`);
  io.stdout(`Library: ${libraryPath}\n`);
  if (!isUiBuilt(staticRoot)) io.stdout(`The UI is not built into ${staticRoot} yet: the page says how to build it; the API answers meanwhile.\n`);
  io.stdout('Open the address above in a browser on this computer; the token in it lasts until the server stops. Ctrl+C stops it.\n');

  let stopped: Promise<void> | undefined;
  return {
    server,
    store,
    stop() {
      stopped ??= server.close().finally(() => maintenance.stop().finally(() => store.close()));
      return stopped;
    },
  };
}

/** Runs as `node dist/serve.js`: starts, then stops cleanly on Ctrl+C or SIGTERM. */
async function runFromCommandLine(): Promise<void> {
  const io: ServeIo = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), env: process.env };
  const started = await startServe(process.argv.slice(2), io);
  if (typeof started === 'number') {
    process.exitCode = started;
    return;
  }
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      io.stderr(`Stopping at once (${signal} again).\n`);
      process.exit(1);
    }
    stopping = true;
    io.stderr(`Stopping (${signal})…\n`);
    // Calls in flight get a moment to finish; a client holding a connection open does not keep us.
    setTimeout(() => process.exit(0), 5000).unref();
    started.stop().then(
      () => {
        io.stderr('Stopped; the library is closed.\n');
        process.exitCode = 0;
      },
      (error: unknown) => {
        io.stderr(`storydesk serve: stopping failed: ${(error as Error).message}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return fs.realpathSync(script) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) await runFromCommandLine();
