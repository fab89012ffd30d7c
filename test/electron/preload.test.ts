import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_KEY, EVENT_CHANNEL } from '../../src/shared/client';
import { channelNames } from '../../src/shared/contract';
import { ensureBuilt, out } from '../support/build';

/*
 * The built preload, run the way a sandboxed Electron renderer runs it: in
 * its own JavaScript context, where `require` knows only 'electron' and a few
 * shims (https://www.electronjs.org/docs/latest/tutorial/sandbox#preload-scripts).
 * A preload that needs anything else (an npm package left unbundled, a Node
 * module) throws here as it would in the app.
 */

const nodeRequire = createRequire(import.meta.url);
const sandboxModules = new Set([
  'electron',
  'events',
  'timers',
  'url',
  'node:events',
  'node:timers',
  'node:url',
]);

type Bridge = {
  invoke(channel: unknown, request: unknown): Promise<unknown>;
  subscribe(listener: (message: unknown) => void): () => void;
};

function loadPreload() {
  const exposed = new Map<string, unknown>();
  const invoked: Array<{ channel: string; request: unknown }> = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const ipcRenderer = {
    invoke(channel: string, request: unknown) {
      invoked.push({ channel, request });
      return Promise.resolve({ ok: true, value: `answer to ${channel}` });
    },
    on(channel: string, listener: (...args: unknown[]) => void) {
      listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener));
      return ipcRenderer;
    },
    removeListener(channel: string, listener: (...args: unknown[]) => void) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
    send() {
      throw new Error('the bridge should not use ipcRenderer.send');
    },
  };
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        exposed.set(key, api);
      },
    },
    ipcRenderer,
  };
  const sandboxRequire = (id: string) => {
    if (!sandboxModules.has(id))
      throw new Error(`module not found: ${id} (a sandboxed preload cannot require it)`);
    if (id === 'electron') return electron;
    return nodeRequire(id);
  };

  const file = join(out, 'preload', 'index.js');
  const source = readFileSync(file, 'utf8');
  const wrapper = `(function (exports, require, module, process, Buffer, global, setImmediate, clearImmediate) {${source}\n})`;
  const context = vm.createContext({});
  const run = vm.runInContext(wrapper, context, { filename: file }) as (...args: unknown[]) => void;
  const module = { exports: {} };
  const process = { platform: 'linux', sandboxed: true, contextIsolated: true, type: 'renderer', env: {} };
  run(module.exports, sandboxRequire, module, process, Buffer, context, setImmediate, clearImmediate);

  const emit = (channel: string, ...args: unknown[]) => {
    for (const listener of listeners.get(channel) ?? []) listener(...args);
  };
  return { exposed, invoked, listeners, emit };
}

let preload: ReturnType<typeof loadPreload>;
let bridge: Bridge;

beforeAll(() => {
  ensureBuilt();
  preload = loadPreload();
  bridge = preload.exposed.get(BRIDGE_KEY) as Bridge;
}, 240_000);

describe('the preload bridge', () => {
  it('runs sandboxed and exposes exactly invoke and subscribe on window.tidemark', () => {
    expect([...preload.exposed.keys()]).toEqual([BRIDGE_KEY]);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'subscribe']);
    expect(typeof bridge.invoke).toBe('function');
    expect(typeof bridge.subscribe).toBe('function');
  });

  it('passes every contract channel to main', async () => {
    for (const channel of channelNames) {
      await expect(bridge.invoke(channel, { probe: channel })).resolves.toEqual({
        ok: true,
        value: `answer to ${channel}`,
      });
    }
    expect(preload.invoked.map((c) => c.channel)).toEqual(channelNames);
    expect(preload.invoked[0]?.request).toEqual({ probe: channelNames[0] });
  });

  it('refuses a channel outside the contract without sending anything', async () => {
    const before = preload.invoked.length;
    for (const channel of ['shell:exec', 'tidemark:event', '__proto__', 42]) {
      const result = (await bridge.invoke(channel, {})) as { ok: boolean; error?: { code: string } };
      expect(result.ok, String(channel)).toBe(false);
      expect(result.error?.code).toBe('invalid_input');
    }
    expect(preload.invoked.length).toBe(before);
  });

  it('delivers events without the IPC event object, and unsubscribes', () => {
    const received: unknown[] = [];
    const unsubscribe = bridge.subscribe((message) => received.push(message));
    const message = { event: 'profiles:changed', payload: { reason: 'created', id: 'p1' } };
    const ipcEvent = { sender: { invoke: () => 'ipcRenderer must not leak' } };
    preload.emit(EVENT_CHANNEL, ipcEvent, message);
    expect(received).toEqual([message]);

    unsubscribe();
    preload.emit(EVENT_CHANNEL, ipcEvent, message);
    expect(received).toHaveLength(1);
    expect(preload.listeners.get(EVENT_CHANNEL)?.size ?? 0).toBe(0);
  });
});
