import type { ConnectionFailureReason, SshHostKey } from '../../shared/profile';

/** Why a tunnel could not be opened, in the connection test's own categories. */
export type SshFailureReason = Extract<
  ConnectionFailureReason,
  'ssh_failed' | 'ssh_host_key_unknown' | 'ssh_host_key_changed'
>;

/** A tunnel failure with a message a DBA can act on, and the host key when that was the problem. */
export class SshTunnelError extends Error {
  constructor(
    readonly reason: SshFailureReason,
    message: string,
    readonly hostKey?: SshHostKey,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'SshTunnelError';
  }
}
