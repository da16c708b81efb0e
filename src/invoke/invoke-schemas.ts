import type {} from '@fastify/swagger';
import { CallAccepted, errorResponses, Type } from '../server/index.js';
import { AnyBody } from './any-method.js';

// The invoke paths' schemas, as the OpenAPI document shows them.

export const InvokeHeaders = Type.Object({
  'fn-invoke-type': Type.Optional(Type.String({ description: 'sync (default), detached or async' })),
  'fn-async-delay': Type.Optional(
    Type.String({ description: 'async: seconds before the call runs (0-86400)' }),
  ),
  'fn-async-priority': Type.Optional(Type.String({ description: 'async: 0 (low), 1 or 2 (high)' })),
  'idempotency-key': Type.Optional(
    Type.String({ description: 'async: a repeat within the window answers with the same call id' }),
  ),
});

export const CallIdHeader = { 'fn-call-id': Type.String({ description: "The call's id" }) };

/** The answers of every invoke path but the function's own (200). */
export const invokeAnswers = {
  202: {
    description:
      'async: the call is stored and queued; detached: the call runs, its answer is dropped (no body)',
    headers: CallIdHeader,
    content: { 'application/json': { schema: CallAccepted } },
  },
  ...errorResponses(400, 404, 413, 502, 504),
};

export const invokeSchema = {
  operationId: 'invokeFn',
  summary: 'Invoke a function',
  tags: ['invoke'],
  params: Type.Object({ fn_id: Type.String() }),
  headers: InvokeHeaders,
  body: AnyBody,
  response: {
    200: {
      description: "The function's answer: its body and headers",
      headers: CallIdHeader,
      content: { '*/*': { schema: {} } },
    },
    ...invokeAnswers,
  },
};

export const triggerSchema = {
  summary: 'Invoke a function through its HTTP trigger',
  tags: ['invoke'],
  headers: InvokeHeaders,
  response: {
    200: {
      description:
        "The function's answer: its body, its Content-Type and Fn-Http-H-* headers, and the status of its Fn-Http-Status (200 when unset)",
      headers: CallIdHeader,
      content: { '*/*': { schema: {} } },
    },
    ...invokeAnswers,
    default: {
      description: "The function's answer with the status it set in Fn-Http-Status",
      content: { '*/*': { schema: {} } },
    },
  },
};
export const TriggerParams = Type.Object({ app_name: Type.String({ description: 'The app, by name' }) });
export const TriggerSourceParams = Type.Object({
  app_name: Type.String({ description: 'The app, by name' }),
  '*': Type.String({ description: "The trigger's source without its leading / (it may hold more /)" }),
});
