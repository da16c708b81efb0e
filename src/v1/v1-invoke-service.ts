import type { FunctionResponse } from '../agent/index.js';
import { specForRoute } from '../agent/index.js';
import type { App, Call, Route } from '../models/index.js';
import { type HeaderMap, newSyncCall, type RecordedRunOptions, runRecorded } from '../invoke/index.js';

export interface V1InvokeRequest {
  app: App;
  route: Route;
  headers: HeaderMap;
  body: Buffer;
  method: string;
  url: string;
}

/** `agent` runs calls of every format (the Agent, through their container protocols). */
export type V1InvokeServiceOptions = RecordedRunOptions;

/** [V1] Runs a sync route call and records it (with its path and format) off the answer's path. */
export class V1InvokeService {
  constructor(private readonly opts: V1InvokeServiceOptions) {}

  prepare(req: V1InvokeRequest): { call: Call; run: () => Promise<FunctionResponse> } {
    const created = Date.now();
    const { route } = req;
    const call = newSyncCall(
      req.app,
      {
        fn_id: '',
        trigger_id: '',
        path: route.path,
        image: route.image,
        format: route.format,
        memory: route.memory,
        ...(route.cpus ? { cpus: route.cpus } : {}),
        timeout: route.timeout,
        idle_timeout: route.idle_timeout,
      },
      req.method,
      req.url,
      created,
    );
    return { call, run: () => this.run(call, req, created) };
  }

  private run(call: Call, req: V1InvokeRequest, created: number): Promise<FunctionResponse> {
    return runRecorded(this.opts, {
      call,
      spec: specForRoute(req.app, req.route),
      headers: req.headers,
      body: req.body,
      deadline: created + req.route.timeout * 1000,
    });
  }
}
