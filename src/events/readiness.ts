import type { ReadinessCheck } from '../server/index.js';
import type { TriggerSources } from './trigger-sources.js';

/**
 * `/health/ready` names each event source not connected to its broker. A broker that went away
 * is reconnected with backoff in the background; until then its messages wait in the broker.
 */
export function eventSourcesCheck(sources: TriggerSources): ReadinessCheck {
  return {
    name: 'event-sources',
    check: async () => {
      const down = (await sources.statuses()).filter(
        ({ status }) => status.state === 'connecting' || status.state === 'reconnecting',
      );
      if (down.length === 0) return undefined;
      return down
        .map(
          ({ trigger, status }) =>
            `${trigger.type} trigger ${trigger.name} (${trigger.id}) is ${status.state} to ${status.broker ?? 'its broker'}${status.last_error ? `: ${status.last_error}` : ''}`,
        )
        .join('; ');
    },
  };
}
