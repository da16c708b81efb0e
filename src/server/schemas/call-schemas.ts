import { Type } from '@sinclair/typebox';

const Time = Type.String({ format: 'date-time' });
const AsyncOnly = (description: string) => ({ description: `Async: ${description}` });

/**
 * A call record as the API shows it (`publicCall`: never the fn's config nor credential
 * headers): Fn's call fields (seed 003, Fn v0.3.688 with `execution_duration` and v1's `path`),
 * then fnode's own. Fields without a value are left out, as Go's `omitempty` does.
 */
export const CallSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.Union(
      ['delayed', 'queued', 'running', 'success', 'error', 'cancelled'].map((s) => Type.Literal(s)),
    ),
    app_id: Type.String(),
    app_name: Type.String(),
    fn_id: Type.String({ description: '"" for a v1 route call' }),
    trigger_id: Type.String({ description: '"" unless called through an HTTP trigger' }),
    path: Type.Optional(Type.String({ description: 'v1: the route path' })),
    image: Type.Optional(Type.String()),
    type: Type.Optional(Type.String({ description: 'sync, detached or async' })),
    format: Type.Optional(Type.String({ description: 'http-stream, or a v1 route format' })),
    memory: Type.Optional(Type.Integer({ description: 'MB' })),
    cpus: Type.Optional(Type.String({ description: 'v1: milli-CPUs' })),
    timeout: Type.Optional(Type.Integer({ description: 'Seconds' })),
    idle_timeout: Type.Optional(Type.Integer({ description: 'Seconds' })),
    priority: Type.Optional(Type.Integer(AsyncOnly('0 (low), 1 or 2 (high)'))),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.String()), {
        description: 'Request headers passed to the function, without credentials',
      }),
    ),
    method: Type.Optional(Type.String()),
    url: Type.Optional(Type.String()),
    payload: Type.Optional(Type.String(AsyncOnly('the request body'))),
    payload_encoding: Type.Optional(
      Type.Literal('base64', { description: 'Set when the payload is not UTF-8 text' }),
    ),
    created_at: Time,
    started_at: Type.Optional(Time),
    completed_at: Type.Optional(Time),
    stats: Type.Optional(
      Type.Array(Type.Object({ timestamp: Time, metrics: Type.Record(Type.String(), Type.Number()) }), {
        description: 'Docker statistics while the call ran (at most 240 points)',
      }),
    ),
    error: Type.Optional(Type.String()),
    reason: Type.Optional(
      Type.Union(
        ['timeout', 'killed', 'bad_exit', 'client_request'].map((r) => Type.Literal(r)),
        {
          description: 'Why an error or cancelled call ended so',
        },
      ),
    ),
    execution_duration: Type.Optional(Type.Integer({ description: 'Nanoseconds' })),
    attempt: Type.Optional(Type.Integer(AsyncOnly('1-based attempt in its retry chain'))),
    runs: Type.Optional(Type.Integer(AsyncOnly('how many times it moved to running'))),
    retry_of: Type.Optional(Type.String(AsyncOnly('the call this one retries or redrives'))),
    event_at: Type.Optional(
      Type.String({ ...AsyncOnly('when the event first arrived'), format: 'date-time' }),
    ),
    run_at: Type.Optional(
      Type.String({ ...AsyncOnly('when a delayed call becomes runnable'), format: 'date-time' }),
    ),
    dead_letter: Type.Optional(Type.Boolean(AsyncOnly('the last attempt failed'))),
  },
  { $id: 'Call', description: 'A call record' },
);

export const CallList = Type.Object(
  {
    items: Type.Array(Type.Ref('Call')),
    next_cursor: Type.Optional(Type.String({ description: 'Set when the page is full' })),
  },
  { description: 'Calls, newest first' },
);

export const CallLog = Type.Object(
  { call_id: Type.String(), log: Type.String() },
  { description: "The call's output lines (stdout and stderr)" },
);

export const CallAccepted = Type.Object(
  { call_id: Type.String() },
  { description: 'Accepted: the call is stored and queued (its id is also in Fn-Call-Id)' },
);
