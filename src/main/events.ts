import type { EventMessage, EventName, EventOf } from '../shared/contract';

type Listener = (message: EventMessage) => void;

/** Events main → renderer; each adapter subscribes and forwards. */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    const message = { event, payload } as EventMessage;
    for (const listener of this.listeners) listener(message);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
