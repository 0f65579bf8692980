/** Shows the desktop notifications notificationFor() picks, honouring the owner's mutes. */
import type { ShellAgent } from './agent-watch';
import type { NotifierPort } from './desktop-ports';
import { initialNotificationState, notificationFor, type NotificationState } from './notifications';

export interface NotificationControllerDeps {
  notifier: NotifierPort;
  agent: ShellAgent;
  now: () => Date;
  openWindow(hash: string): void;
}

export function startNotificationController(deps: NotificationControllerDeps): () => void {
  let state: NotificationState = initialNotificationState;
  return deps.agent.onEvent((event) => {
    const decision = notificationFor(event, state, {
      muted: deps.agent.snapshot().settings.desktop.mutedNotifications,
      now: deps.now(),
    });
    state = decision.state;
    const shown = decision.notification;
    if (!shown || !deps.notifier.supported()) return;
    deps.notifier.show({ title: shown.title, body: shown.body }, () => deps.openWindow(shown.route));
  });
}
