/**
 * Runs before any schema exists (main.tsx imports it first): zod would otherwise probe for `eval`
 * when its first schema is built, which the page's Content-Security-Policy (script-src 'self')
 * reports as a violation. Jitless parsing needs no eval.
 */
import { z } from 'zod';

z.config({ jitless: true });
