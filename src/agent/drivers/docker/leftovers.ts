import { basename, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import type Dockerode from 'dockerode';
import { IOFS_MOUNT, LABEL_INSTANCE, LABEL_TAG } from './create-options.js';
import { isGoneOrRemoving } from './docker-errors.js';
import { removeIofsDir } from './iofs.js';
import type { DriverLogger } from './logger.js';
import { LABEL_OWNER_LOCK, ownerIsGone } from './owner-lock.js';

export interface LeftoverScope {
  /** This server's id: its own containers are never leftovers. */
  instanceId: string;
  /** FN_CONTAINER_LABEL_TAG: containers from before owner locks count under this tag only. */
  tag: string;
  /** Where iofs directories are made (default: the system's temp dir). */
  iofsPath: string | undefined;
  logger: DriverLogger;
}

/**
 * Removes the containers of servers that are gone, whatever their tag: a server of this host
 * whose owner lock refuses (it crashed, or stopped without cleaning up). Those of live servers,
 * and of servers of other hosts sharing the engine, stay. Containers from before owner locks
 * are removed under this server's own tag, as before. Answers how many were removed.
 */
export async function removeLeftovers(docker: Dockerode, scope: LeftoverScope): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [LABEL_INSTANCE] } });
  const others = list.filter((c) => c.Labels?.[LABEL_INSTANCE] !== scope.instanceId);
  const gone = await Promise.all(
    others.map(async (c) =>
      c.Labels?.[LABEL_OWNER_LOCK] === undefined
        ? c.Labels?.[LABEL_TAG] === scope.tag
        : ownerIsGone(c.Labels),
    ),
  );
  const results = await Promise.all(
    others
      .filter((_, i) => gone[i])
      .map(async (c) => {
        try {
          await docker.getContainer(c.Id).remove({ force: true, v: true });
        } catch (err) {
          if (!isGoneOrRemoving(err)) {
            scope.logger.warn({ err, container: c.Id }, 'cannot remove leftover container');
            return 0;
          }
        }
        for (const m of c.Mounts ?? []) {
          if (m.Destination === IOFS_MOUNT && isIofsDirUnder(scope.iofsPath, m.Source)) {
            await removeIofsDir(m.Source).catch(() => {});
          }
        }
        return 1;
      }),
  );
  return results.reduce<number>((a, b) => a + b, 0);
}

/** A directory a driver could have made: `iofs-*` right under the iofs base. */
function isIofsDirUnder(base: string | undefined, path: string | undefined): path is string {
  if (!path) return false;
  return dirname(path) === (base ?? tmpdir()) && basename(path).startsWith('iofs-');
}
