import type { HybridRagEvents } from "@hybrid-rag/core";
import { EventEmitter } from "eventemitter3";

type EventName<Events extends EventEmitter.ValidEventTypes> = EventEmitter.EventNames<Events>;
type Listener<
  Events extends EventEmitter.ValidEventTypes,
  K extends EventName<Events>,
> = EventEmitter.EventListener<Events, K>;
/** Told about a listener that threw (or whose promise rejected). */
export type ListenerErrorSink = (event: string, error: unknown) => void;

/**
 * An emitter whose listeners cannot fail the work that emits: a listener that throws (or returns
 * a promise that rejects) is skipped and the listeners after it still run. Each listener is
 * wrapped when added; its error goes to the sink of the `emitReporting` call that ran it (a
 * pipeline run turns it into a warning, a collection ingest into a summary warning), or to
 * `process.emitWarning` when the event was emitted some other way. Used by the pipeline (with
 * `HybridRagEvents`, the default) and by `@hybrid-rag/collection` (with its own events).
 */
export class ListenerSafeEmitter<
  Events extends EventEmitter.ValidEventTypes = HybridRagEvents,
> extends EventEmitter<Events> {
  /** One guard per listener and event, so that removing the listener finds it. */
  readonly #guards = new WeakMap<object, Map<EventName<Events>, Listener<Events, never>>>();
  #sink: ListenerErrorSink | undefined;

  /** Emits `event`, reporting listener errors to `sink` instead of throwing them. */
  emitReporting<K extends EventName<Events>>(
    event: K,
    sink: ListenerErrorSink,
    ...args: EventEmitter.EventArgs<Events, K>
  ): void {
    const previous = this.#sink;
    this.#sink = sink;
    try {
      super.emit(event, ...args);
    } finally {
      this.#sink = previous;
    }
  }

  override on<K extends EventName<Events>>(
    event: K,
    fn: Listener<Events, K>,
    context?: unknown,
  ): this {
    return super.on(event, this.#guard(event, fn), context);
  }

  override addListener<K extends EventName<Events>>(
    event: K,
    fn: Listener<Events, K>,
    context?: unknown,
  ): this {
    return super.addListener(event, this.#guard(event, fn), context);
  }

  override once<K extends EventName<Events>>(
    event: K,
    fn: Listener<Events, K>,
    context?: unknown,
  ): this {
    return super.once(event, this.#guard(event, fn), context);
  }

  override removeListener<K extends EventName<Events>>(
    event: K,
    fn?: Listener<Events, K>,
    context?: unknown,
    once?: boolean,
  ): this {
    const guard =
      fn === undefined
        ? undefined
        : (this.#guards.get(fn)?.get(event) as Listener<Events, K> | undefined);
    return super.removeListener(event, guard ?? fn, context, once);
  }

  override off<K extends EventName<Events>>(
    event: K,
    fn?: Listener<Events, K>,
    context?: unknown,
    once?: boolean,
  ): this {
    return this.removeListener(event, fn, context, once);
  }

  #guard<K extends EventName<Events>>(event: K, fn: Listener<Events, K>): Listener<Events, K> {
    let byEvent = this.#guards.get(fn);
    if (byEvent === undefined) {
      byEvent = new Map();
      this.#guards.set(fn, byEvent);
    }
    const known = byEvent.get(event);
    if (known) return known as Listener<Events, K>;
    const emitter = this;
    const guard = function (this: unknown, ...args: unknown[]): void {
      const sink = emitter.#sink ?? warnProcess;
      try {
        const result: unknown = (fn as (...payload: unknown[]) => unknown).apply(this, args);
        if (isThenable(result))
          result.then(undefined, (error: unknown) => sink(String(event), error));
      } catch (error) {
        sink(String(event), error);
      }
    } as Listener<Events, K>;
    byEvent.set(event, guard as Listener<Events, never>);
    return guard;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function warnProcess(event: string, error: unknown): void {
  process.emitWarning(
    `a "${event}" listener threw and was skipped: ${error instanceof Error ? error.message : String(error)}`,
    "HybridRagListenerWarning",
  );
}
