import { defaultControls } from '../../../../shared/domain/settings';
import type { Migration } from './index';

/** Version 2: the owner controls (schedule, presence, price floor, limits) with defaults. */
export const m0002OwnerControls: Migration = {
  to: 2,
  description: 'owner controls: schedule, presence detection, price floor, power and temperature limits',
  up(document) {
    return { ...document, schemaVersion: 2, controls: defaultControls() };
  },
};
