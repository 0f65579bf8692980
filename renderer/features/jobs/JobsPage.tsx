import { useSnapshot } from '../../app/app-context';
import { JobHistory } from './JobHistory';
import { RunningJobs } from './RunningJobs';
import { EgressSetting } from './EgressSetting';
import { ImageBudget } from './ImageBudget';
import { SandboxInfo } from './SandboxInfo';

/** What renters run on this PC: the jobs running now, the sandbox they get, and past jobs. */
export function JobsPage() {
  const { jobs } = useSnapshot();
  return (
    <>
      <h1 className="visually-hidden">Jobs</h1>
      <RunningJobs active={jobs.active} />
      <SandboxInfo />
      <EgressSetting />
      <ImageBudget />
      <JobHistory history={jobs.history} />
    </>
  );
}
