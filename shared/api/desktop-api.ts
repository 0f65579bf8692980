/**
 * The desktop part of the API contract (spread into shared/api/contract.ts). Kept in its own
 * file so each feature's calls and events sit beside each other.
 */
import { AboutSchema } from '../domain/desktop';
import { defineCall, EmptyRequest } from './define-call';

export const desktopCalls = {
  /** Versions for the About page: app, Electron, Node, Docker, driver, toolkit, runtimes, chain. */
  getAbout: defineCall(EmptyRequest, AboutSchema),
} as const;

export const desktopEvents = {} as const;
