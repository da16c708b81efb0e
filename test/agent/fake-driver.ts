import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadProbe } from '../../src/agent/index.js';
import type { Container, ContainerExit, ContainerSpec, Driver } from '../../src/agent/drivers/index.js';

/**
 * A Driver test double for the agent's scheduling: each "container" is an HTTP server on a real
 * unix socket that answers Fn's http-stream `POST /call` after `serviceMs`, the way an FDK does,
 * without Docker. It counts starts, removals and the calls each container serves at once.
 */
export class FakeDriver implements Driver {
  readonly started: string[] = [];
  readonly removed: string[] = [];
  /** Most calls any one container served at the same time. */
  maxConcurrentPerContainer = 0;
  private readonly live = new Map<
    string,
    { server: Server; dir: string; exit: (e: ContainerExit) => void }
  >();

  constructor(
    /** How long the function takes per call. */
    public serviceMs = 0,
    /** How long a container takes to start. */
    public startMs = 0,
  ) {}

  get running(): number {
    return this.live.size;
  }

  async start(spec: ContainerSpec): Promise<Container> {
    if (this.startMs > 0) await new Promise((r) => setTimeout(r, this.startMs));
    const dir = mkdtempSync(join(tmpdir(), 'fnode-fake-'));
    const socketPath = join(dir, 'lsnr.sock');
    let inCall = 0;
    const server = createServer((req, res) => {
      inCall++;
      this.maxConcurrentPerContainer = Math.max(this.maxConcurrentPerContainer, inCall);
      req.resume();
      req.on('end', () => {
        setTimeout(() => {
          inCall--;
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Fn-Http-Status': '200' });
          res.end(`served by ${spec.id}`);
        }, this.serviceMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    let exit!: (e: ContainerExit) => void;
    const exited = new Promise<ContainerExit>((r) => {
      exit = r;
    });
    this.live.set(spec.id, { server, dir, exit });
    this.started.push(spec.id);
    return {
      id: spec.id,
      dockerId: `fake-${spec.id}`,
      socketPath,
      exited,
      setLogListener: async () => {},
      remove: () => this.remove(spec.id),
    };
  }

  private async remove(id: string): Promise<void> {
    const c = this.live.get(id);
    if (!c) return;
    this.live.delete(id);
    this.removed.push(id);
    c.server.closeAllConnections();
    await new Promise<void>((r) => c.server.close(() => r()));
    rmSync(c.dir, { recursive: true, force: true });
    c.exit({ exitCode: 0, oomKilled: false });
  }

  async removeLeftovers(): Promise<number> {
    return 0;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    await Promise.all([...this.live.keys()].map((id) => this.remove(id)));
  }
}

/** A server with its event loop free and cores to spare: the launch policy sees no load of its own. */
export const idleProbe: LoadProbe = {
  loopDelayMs: () => 0,
  utilization: () => 0,
  idleCores: () => 2,
  close: () => {},
};
