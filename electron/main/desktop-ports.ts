/**
 * The small interfaces the desktop shell's modules use instead of Electron itself, so
 * each module is unit-tested with a fake (test/unit/main) and Electron stays in the
 * adapters (electron-adapters.ts). Mullvad's delegate interfaces, at the size we need.
 */

export type TrayStatus = 'available' | 'renting' | 'paused' | 'attention';

export type TrayAction = 'pause-hour' | 'pause-tomorrow' | 'resume' | 'open' | 'open-attention' | 'quit';

export type TrayMenuItem =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean };

export interface TrayPort {
  setStatus(status: TrayStatus, tooltip: string): void;
  setMenu(items: TrayMenuItem[], onAction: (action: TrayAction) => void): void;
  /** Left click on the icon (Windows, most Linux trays). */
  onClick(listener: () => void): void;
  destroy(): void;
}

export interface DesktopNotification {
  title: string;
  body: string;
}

export interface NotifierPort {
  /** False where the OS has no notification service. */
  supported(): boolean;
  show(notification: DesktopNotification, onClick?: () => void): void;
}

export interface LoginItemsPort {
  /** Registers or removes the app from the OS login items; `hidden` starts it in the tray. */
  set(options: { openAtLogin: boolean; hidden: boolean }): void;
  /** Whether this process was started by the OS login item (then the window stays hidden). */
  startedAtLogin(): boolean;
}

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowPort {
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isVisible(): boolean;
  isDestroyed(): boolean;
  /** The bounds to restore (not the maximized ones). */
  getNormalBounds(): Rectangle;
  isMaximized(): boolean;
  /** Routes the window to a dashboard page (`#/setup/checks`). */
  openRoute(hash: string): void;
  /** `close` with a preventable event; returns an unsubscribe. */
  onClose(listener: (event: { preventDefault(): void }) => void): () => void;
  onBoundsChanged(listener: () => void): () => void;
}

/** The part of `app` the shell needs. */
export interface AppPort {
  requestSingleInstanceLock(): boolean;
  onSecondInstance(listener: () => void): void;
  quit(): void;
}
