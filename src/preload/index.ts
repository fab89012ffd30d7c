import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { channelNames } from '../shared/channel-names';
import { BRIDGE_KEY, EVENT_CHANNEL, type TidemarkBridge } from '../shared/client';

/*
 * Runs sandboxed: it may require only 'electron' (and a few shims), so it
 * imports only zod-free shared files, which the bundler inlines.
 * The page gets two functions; ipcRenderer itself never crosses the bridge.
 */

const known = new Set<string>(channelNames);

const bridge: TidemarkBridge = {
  invoke(channel, request) {
    if (typeof channel !== 'string' || !known.has(channel)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'invalid_input', message: `Unknown request "${String(channel)}".` },
      });
    }
    return ipcRenderer.invoke(channel, request);
  },
  subscribe(listener) {
    // Only the message goes to the page: the IPC event carries the sender, i.e. ipcRenderer.
    const forward = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
