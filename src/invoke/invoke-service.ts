import { type Agent, type FunctionResponse, specFor } from '../agent/index.js';
import type { App, Call, Fn } from '../models/index.js';
import type { HeaderMap } from './headers.js';
import { newSyncCall, type RecordedRunOptions, runRecorded } from './recorded-run.js';

export interface InvokeRequest {
  app: App;
  fn: Fn;
  triggerId?: string;
  headers: HeaderMap;
  body: Buffer;
  method: string;
  url: string;
}

export interface InvokeServiceOptions extends RecordedRunOptions {
  agent: Agent;
}

/** Runs a call through the agent and records it, without the record ever delaying the answer. */
export class InvokeService {
  constructor(private readonly opts: InvokeServiceOptions) {}

  /** Creates the call's id and record; the caller may answer with the id before running it. */
  prepare(req: InvokeRequest): { call: Call; run: () => Promise<FunctionResponse> } {
    const created = Date.now();
    const call = newSyncCall(
      req.app,
      {
        fn_id: req.fn.id,
        trigger_id: req.triggerId ?? '',
        image: req.fn.image,
        format: 'http-stream',
        memory: req.fn.memory,
        timeout: req.fn.timeout,
        idle_timeout: req.fn.idle_timeout,
      },
      req.method,
      req.url,
      created,
    );
    const run = () => this.run(call, req, created);
    return { call, run };
  }

  private run(call: Call, req: InvokeRequest, created: number): Promise<FunctionResponse> {
    return runRecorded(this.opts, {
      call,
      spec: specFor(req.app, req.fn),
      headers: req.headers,
      body: req.body,
      deadline: created + req.fn.timeout * 1000,
    });
  }
}
