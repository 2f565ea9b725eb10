// Where the browser tests look for Chromium, in order. Shared by scripts/install-browser.js and
// test/helpers/browser.ts so that both agree.
export function chromiumCandidates() {
  const fromEnvironment = process.env.STORYDESK_CHROMIUM;
  if (fromEnvironment) return [fromEnvironment];
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
}
