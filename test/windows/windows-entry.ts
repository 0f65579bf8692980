/**
 * What the Wine harness bundles for Windows node.exe: the Windows presence module as the
 * app ships it, plus the watch-list matcher and the presence monitor it feeds.
 */
export * from '../../electron/agent/presence/windows/windows-presence';
export { loadWin32Api } from '../../electron/agent/presence/windows/win32-api';
export { matchWatchList } from '../../electron/agent/presence/process-watch';
export { createPresenceMonitor } from '../../electron/agent/presence/presence-monitor';
