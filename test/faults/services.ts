import { execFileSync, execSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { eventually } from '../helpers/fnode.js';

/** Fault tests stop and start the machine's real services; each waits for the state it made. */
const sh = (cmd: string) => execSync(cmd, { stdio: 'pipe', timeout: 120_000 }).toString();
const ok = (cmd: string) => {
  try {
    sh(cmd);
    return true;
  } catch {
    return false;
  }
};

/** Redis restarted the way the machine runs it: without persistence, so it comes back empty. */
export async function restartRedis(): Promise<void> {
  ok('redis-cli -h 127.0.0.1 -p 6379 shutdown nosave');
  await eventually(() => !ok('redis-cli -h 127.0.0.1 -p 6379 ping') || undefined, 30_000);
  sh(
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no ' +
      '--dir /var/lib/redis --logfile /var/log/redis/ci.log',
  );
  await eventually(() => sh('redis-cli -h 127.0.0.1 -p 6379 ping').includes('PONG') || undefined, 30_000);
}

/** PostgreSQL's cluster stopped (every connection cut) or started again. */
export function postgres(action: 'stop' | 'start'): void {
  const version = readdirSync('/etc/postgresql')[0];
  if (!version) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], {
    stdio: 'pipe',
    timeout: 120_000,
  });
}

/** MariaDB stopped (every connection cut) or started again, the way the machine starts it. */
export async function mariadb(action: 'stop' | 'start'): Promise<void> {
  if (action === 'stop') {
    sh('start-stop-daemon --stop --oknodo --retry 60 --exec /usr/sbin/mariadbd');
    return;
  }
  sh('start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd');
  await eventually(() => ok('mariadb -h 127.0.0.1 -u root -e "select 1"') || undefined, 60_000);
}

/** dockerd stopped (its containers stop with it) until startDocker(). */
export async function stopDocker(): Promise<void> {
  ok('pkill -TERM -x dockerd');
  // Gone for good: a dockerd still shutting down would make the next start wait for it.
  await eventually(() => !ok('pgrep -x dockerd') || undefined, 60_000);
}

export async function startDocker(): Promise<void> {
  sh('scripts/docker-up.sh');
  await eventually(() => ok('docker info') || undefined, 60_000);
}
