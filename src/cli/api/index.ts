export {
  type App,
  type Call,
  createTypedClient,
  type Fn,
  type FnodeApi,
  type Token,
  type Trigger,
  type TypedReply,
} from './typed-client.js';
