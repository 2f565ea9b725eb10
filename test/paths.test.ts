// Checks where Storydesk keeps its library on each platform (the folder Electron's userData gives)
// and which library a run opens: --library first, then STORYDESK_LIBRARY, then the default.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIBRARY_FILE_NAME, resolveLibraryPath, userDataFolder, type PlatformContext } from '../electron/paths';

const linux = (env: NodeJS.ProcessEnv = {}): PlatformContext => ({ platform: 'linux', env, home: '/home/editor' });

describe('userDataFolder', () => {
  it('is ~/.config/Storydesk on Linux without XDG_CONFIG_HOME', () => {
    expect(userDataFolder(linux())).toBe('/home/editor/.config/Storydesk');
  });

  it('follows an absolute XDG_CONFIG_HOME on Linux', () => {
    expect(userDataFolder(linux({ XDG_CONFIG_HOME: '/srv/config' }))).toBe('/srv/config/Storydesk');
  });

  it('ignores an empty or relative XDG_CONFIG_HOME, as the XDG spec says', () => {
    expect(userDataFolder(linux({ XDG_CONFIG_HOME: '' }))).toBe('/home/editor/.config/Storydesk');
    expect(userDataFolder(linux({ XDG_CONFIG_HOME: 'config' }))).toBe('/home/editor/.config/Storydesk');
  });

  it('uses the XDG rules on other Unix systems too', () => {
    expect(userDataFolder({ platform: 'freebsd', env: {}, home: '/usr/home/editor' })).toBe('/usr/home/editor/.config/Storydesk');
  });

  it('is ~/Library/Application Support/Storydesk on macOS, whatever XDG says', () => {
    const context: PlatformContext = { platform: 'darwin', env: { XDG_CONFIG_HOME: '/srv/config' }, home: '/Users/editor' };
    expect(userDataFolder(context)).toBe('/Users/editor/Library/Application Support/Storydesk');
  });

  it('is %APPDATA%\\Storydesk on Windows', () => {
    const context: PlatformContext = { platform: 'win32', env: { APPDATA: 'C:\\Users\\editor\\AppData\\Roaming' }, home: 'C:\\Users\\editor' };
    expect(userDataFolder(context)).toBe('C:\\Users\\editor\\AppData\\Roaming\\Storydesk');
  });

  it('falls back to the roaming folder under the home folder on Windows without APPDATA', () => {
    expect(userDataFolder({ platform: 'win32', env: {}, home: 'C:\\Users\\editor' })).toBe('C:\\Users\\editor\\AppData\\Roaming\\Storydesk');
  });
});

describe('resolveLibraryPath', () => {
  it('opens library.storydesk in the user-data folder by default', () => {
    expect(LIBRARY_FILE_NAME).toBe('library.storydesk');
    expect(resolveLibraryPath(undefined, linux())).toBe('/home/editor/.config/Storydesk/library.storydesk');
    expect(resolveLibraryPath(undefined, linux({ XDG_CONFIG_HOME: '/srv/config' }))).toBe('/srv/config/Storydesk/library.storydesk');
    expect(resolveLibraryPath(undefined, { platform: 'darwin', env: {}, home: '/Users/editor' })).toBe(
      '/Users/editor/Library/Application Support/Storydesk/library.storydesk',
    );
  });

  it('prefers STORYDESK_LIBRARY over the default', () => {
    expect(resolveLibraryPath(undefined, linux({ STORYDESK_LIBRARY: '/data/news.storydesk' }))).toBe('/data/news.storydesk');
  });

  it('prefers --library over STORYDESK_LIBRARY and the default', () => {
    const context = linux({ STORYDESK_LIBRARY: '/data/news.storydesk', XDG_CONFIG_HOME: '/srv/config' });
    expect(resolveLibraryPath('/tmp/other.storydesk', context)).toBe('/tmp/other.storydesk');
  });

  it('ignores an empty STORYDESK_LIBRARY', () => {
    expect(resolveLibraryPath(undefined, linux({ STORYDESK_LIBRARY: '' }))).toBe('/home/editor/.config/Storydesk/library.storydesk');
  });

  it('makes a relative --library or STORYDESK_LIBRARY absolute against the working folder', () => {
    expect(resolveLibraryPath('desk/lib.storydesk', linux())).toBe(path.join(process.cwd(), 'desk', 'lib.storydesk'));
    expect(resolveLibraryPath(undefined, linux({ STORYDESK_LIBRARY: './env.storydesk' }))).toBe(path.join(process.cwd(), 'env.storydesk'));
  });
});
