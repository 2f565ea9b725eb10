/**
 * The workbench page's entry point. The first import configures zod before any schema exists
 * (see zod-config.ts); then the page connects to the back end and shows the workbench.
 */
import './zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectBackend } from './api';
import { App } from './App';
import { describeError, notify } from './notices';
import { startWorkbench } from './state';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

try {
  startWorkbench(connectBackend());
} catch (error) {
  notify(error instanceof Error && error.name === 'NoBackendError' ? error.message : describeError(error, 'reach the library'));
}

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
