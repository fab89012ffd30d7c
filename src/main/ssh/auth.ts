import { readFileSync } from 'node:fs';
import { type AnyAuthMethod, type AuthHandlerMiddleware, utils } from 'ssh2';
import type { Hop } from './config';

/**
 * The ways to log in to one hop, in OpenSSH's spirit: key files (the profile's,
 * then the config's IdentityFile, else the usual ~/.ssh/id_*), then the SSH
 * agent (skipped with IdentitiesOnly yes), then the password as a last resort.
 * The profile's secret is the passphrase of an encrypted key, or that password.
 */

export interface AuthPlan {
  methods: AnyAuthMethod[];
  /** Key files that could not be used, and why (shown when every method failed). */
  notes: string[];
}

export function planAuth(hop: Hop, secret: string | undefined, env: NodeJS.ProcessEnv): AuthPlan {
  const methods: AnyAuthMethod[] = [];
  const notes: string[] = [];
  for (const file of hop.identityFiles) {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // The usual ~/.ssh/id_* files are only tried when they exist, as ssh does.
      if (code !== 'ENOENT') notes.push(`${file} cannot be read (${code ?? 'error'})`);
      continue;
    }
    const parsed = utils.parseKey(data, secret);
    if (parsed instanceof Error) {
      const encrypted = /passphrase|encrypted/i.test(parsed.message);
      notes.push(
        encrypted
          ? `${file} is protected by a passphrase ${secret ? 'that does not match the one given' : 'and none was given'}`
          : `${file} is not a private key ssh2 can read (${parsed.message})`,
      );
      continue;
    }
    methods.push({
      type: 'publickey',
      username: hop.user,
      key: data,
      ...(secret ? { passphrase: secret } : {}),
    });
  }
  const agent = env.SSH_AUTH_SOCK;
  if (agent && !hop.identitiesOnly) methods.push({ type: 'agent', username: hop.user, agent });
  if (secret) methods.push({ type: 'password', username: hop.user, password: secret });
  return { methods, notes };
}

/** Hands ssh2 the planned methods one by one, skipping those the server no longer offers. */
export function authHandler(plan: AuthPlan): AuthHandlerMiddleware {
  const queue = [...plan.methods];
  return (methodsLeft, _partial, next) => {
    while (queue.length > 0) {
      const method = queue.shift() as AnyAuthMethod;
      const offered = methodsLeft?.includes(method.type === 'agent' ? 'publickey' : method.type) ?? true;
      if (offered) return next(method);
    }
    return next(false as unknown as AnyAuthMethod);
  };
}
