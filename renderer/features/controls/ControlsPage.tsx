import { AvailabilityHistory } from '../availability/AvailabilityHistory';
import { LimitsSection } from './LimitsSection';
import { MarketV2Section } from './MarketV2Section';
import { PresenceSection } from './PresenceSection';
import { PriceSection } from './PriceSection';
import { ScheduleSection } from './ScheduleSection';

/** The owner's controls: each section saves its own group, with a short undo. */
export function ControlsPage() {
  return (
    <>
      <h1 className="visually-hidden">Controls</h1>
      <ScheduleSection />
      <PresenceSection />
      <div className="columns">
        <PriceSection />
        <LimitsSection />
      </div>
      <MarketV2Section />
      <AvailabilityHistory />
    </>
  );
}
