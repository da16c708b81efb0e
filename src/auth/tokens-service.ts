import type { Datastore } from '../datastore/index.js';
import {
  type NewTokenDocument,
  type NewTokenRequest,
  type Token,
  validateNewToken,
} from '../models/index.js';
import { hashSecret, newSecret } from './token-secret.js';

/** `/v2/tokens`: create (the secret shown once), list (never a secret), delete. */
export class TokensService {
  constructor(
    private readonly datastore: Pick<Datastore, 'insertToken' | 'listTokens' | 'removeToken' | 'getAppById'>,
    private readonly onRemoved: () => void = () => {},
    private readonly clock: () => number = Date.now,
  ) {}

  async create(req: NewTokenRequest): Promise<NewTokenDocument> {
    const fields = validateNewToken(req, this.clock());
    // A token for an app that does not exist would be useless: Fn's 404 for the app.
    if (fields.app_id !== undefined) await this.datastore.getAppById(fields.app_id);
    const secret = newSecret();
    const token = await this.datastore.insertToken({ ...fields, hash: hashSecret(secret) });
    return { ...token, token: secret };
  }

  list(): Promise<Token[]> {
    return this.datastore.listTokens();
  }

  async remove(id: string): Promise<void> {
    await this.datastore.removeToken(id);
    this.onRemoved();
  }
}
