import { DEFAULT_IMAGE_BUDGET_GIB } from '../../../../shared/domain/settings';
import type { Migration } from './index';

/** Version 3: the owner's disk budget for cached job images, and internet for jobs (off). */
export const m0003JobImageBudget: Migration = {
  to: 3,
  description: 'disk budget for cached job images; internet access for jobs, off',
  up(document) {
    return { ...document, schemaVersion: 3, jobs: { imageBudgetGiB: DEFAULT_IMAGE_BUDGET_GIB, allowEgress: false } };
  },
};
