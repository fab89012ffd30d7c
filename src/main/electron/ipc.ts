import type { IpcMain, WebFrameMain } from 'electron';
import { type Channel, channelNames } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { Logger } from '../logger';
import type { Router } from '../router';

export const refusedSender: Result<never> = {
  ok: false,
  error: {
    code: 'unsupported',
    message: 'This request did not come from the Tidemark window and was refused.',
  },
};

/**
 * The ipcMain adapter: one handler per contract channel, each checking who
 * sent the message before the router sees it. Returns a function that removes them.
 */
export function registerIpc(
  ipcMain: IpcMain,
  router: Router,
  isTrusted: (frame: WebFrameMain | null) => boolean,
  log: Logger,
): () => void {
  const register = (channel: Channel) => {
    ipcMain.handle(channel, (event, payload: unknown) => {
      if (!isTrusted(event.senderFrame)) {
        log.warn({ channel, url: event.senderFrame?.url }, 'IPC from a foreign frame refused');
        return refusedSender;
      }
      return router.dispatch(channel, payload, 'ipc');
    });
  };
  for (const channel of channelNames) register(channel);
  return () => {
    for (const channel of channelNames) ipcMain.removeHandler(channel);
  };
}
