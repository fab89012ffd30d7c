import { createStore } from 'zustand/vanilla';
import type { EventMessage } from '../../shared/contract';
import type { AppErrorData } from '../../shared/result';
import type { DeliveryResult, Webhook, WebhookFormat } from '../../shared/webhooks';
import type { RendererClient } from '../client';
import { idle, type Loadable, settled } from './loadable';

export type WebhooksState = {
  list: Loadable<Webhook[]>;
  /** The add form. */
  url: string;
  format: WebhookFormat;
  adding: boolean;
  addError: AppErrorData | null;
  /** The last test of each webhook: 'sending' while it runs. */
  tests: Record<number, DeliveryResult | 'sending'>;
  /** Refusals of a test or a removal, per webhook. */
  errors: Record<number, AppErrorData>;

  load(): Promise<void>;
  setUrl(url: string): void;
  setFormat(format: WebhookFormat): void;
  add(): Promise<void>;
  remove(id: number): Promise<void>;
  test(id: number): Promise<void>;
  applyEvent(message: EventMessage): void;
};

export type WebhooksStore = ReturnType<typeof createWebhooksStore>;

const replace = (list: Webhook[] | null, webhook: Webhook) =>
  list ? list.map((w) => (w.id === webhook.id ? webhook : w)) : list;

/** Webhooks in Settings: only redacted URLs ever reach the page. */
export function createWebhooksStore(client: RendererClient) {
  return createStore<WebhooksState>()((set, get) => ({
    list: idle(),
    url: '',
    format: 'slack',
    adding: false,
    addError: null,
    tests: {},
    errors: {},

    async load() {
      set((s) => ({ list: { ...s.list, loading: true } }));
      const result = await client.invoke('webhooks:list', {});
      set((s) => ({
        list: settled(result, s.list.data),
      }));
    },

    setUrl(url) {
      set({ url, addError: null });
    },

    setFormat(format) {
      set({ format });
    },

    async add() {
      if (get().adding) return;
      set({ adding: true, addError: null });
      const result = await client.invoke('webhooks:add', { url: get().url, format: get().format });
      if (!result.ok) {
        set({ adding: false, addError: result.error });
        return;
      }
      // The URL typed is not kept in the page once main has it.
      set((s) => ({
        adding: false,
        url: '',
        list: { ...s.list, data: [...(s.list.data ?? []), result.value] },
      }));
    },

    async remove(id) {
      const result = await client.invoke('webhooks:remove', { id });
      if (result.ok) set((s) => ({ list: { ...s.list, data: result.value } }));
      else set((s) => ({ errors: { ...s.errors, [id]: result.error } }));
    },

    async test(id) {
      set((s) => ({ tests: { ...s.tests, [id]: 'sending' } }));
      const result = await client.invoke('webhooks:test', { id });
      if (result.ok) set((s) => ({ tests: { ...s.tests, [id]: result.value } }));
      else {
        const { [id]: _gone, ...tests } = get().tests;
        set((s) => ({ tests, errors: { ...s.errors, [id]: result.error } }));
      }
    },

    applyEvent(message) {
      if (message.event !== 'webhooks:changed') return;
      set((s) => ({ list: { ...s.list, data: replace(s.list.data, message.payload.webhook) } }));
    },
  }));
}
