import { HybridRagEmitter, type HybridRagEvents } from "@hybrid-rag/core";

type EventName = keyof HybridRagEvents;
type Listener<K extends EventName> = (...args: HybridRagEvents[K]) => void;
/** Told about a listener that threw (or whose promise rejected). */
export type ListenerErrorSink = (event: EventName, error: unknown) => void;

/**
 * The pipeline's emitter: a listener that throws (or returns a promise that rejects) cannot fail
 * the query or skip the listeners after it. Each listener is wrapped when added; its error goes to
 * the sink of the `emitReporting` call that ran it (the run turns it into a warning), or to
 * `process.emitWarning` when the event was emitted some other way.
 */
export class ListenerSafeEmitter extends HybridRagEmitter {
  /** One guard per listener and event, so that removing the listener finds it. */
  readonly #guards = new WeakMap<object, Map<EventName, Listener<EventName>>>();
  #sink: ListenerErrorSink | undefined;

  /** Emits `event`, reporting listener errors to `sink` instead of throwing them. */
  emitReporting<K extends EventName>(
    event: K,
    sink: ListenerErrorSink,
    ...args: HybridRagEvents[K]
  ): void {
    const previous = this.#sink;
    this.#sink = sink;
    try {
      const emit = super.emit as (name: K, ...payload: HybridRagEvents[K]) => boolean;
      emit.call(this, event, ...args);
    } finally {
      this.#sink = previous;
    }
  }

  override on<K extends EventName>(event: K, fn: Listener<K>, context?: unknown): this {
    return super.on(event, this.#guard(event, fn), context);
  }

  override addListener<K extends EventName>(event: K, fn: Listener<K>, context?: unknown): this {
    return super.addListener(event, this.#guard(event, fn), context);
  }

  override once<K extends EventName>(event: K, fn: Listener<K>, context?: unknown): this {
    return super.once(event, this.#guard(event, fn), context);
  }

  override removeListener<K extends EventName>(
    event: K,
    fn?: Listener<K>,
    context?: unknown,
    once?: boolean,
  ): this {
    const guard =
      fn === undefined ? undefined : (this.#guards.get(fn)?.get(event) as Listener<K> | undefined);
    return super.removeListener(event, guard ?? fn, context, once);
  }

  override off<K extends EventName>(
    event: K,
    fn?: Listener<K>,
    context?: unknown,
    once?: boolean,
  ): this {
    return this.removeListener(event, fn, context, once);
  }

  #guard<K extends EventName>(event: K, fn: Listener<K>): Listener<K> {
    let byEvent = this.#guards.get(fn);
    if (byEvent === undefined) {
      byEvent = new Map();
      this.#guards.set(fn, byEvent);
    }
    const known = byEvent.get(event);
    if (known) return known as Listener<K>;
    const emitter = this;
    const guard = function (this: unknown, ...args: HybridRagEvents[K]): void {
      const sink = emitter.#sink ?? warnProcess;
      try {
        const result: unknown = fn.apply(this, args);
        if (isThenable(result)) result.then(undefined, (error: unknown) => sink(event, error));
      } catch (error) {
        sink(event, error);
      }
    };
    byEvent.set(event, guard as Listener<EventName>);
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

function warnProcess(event: EventName, error: unknown): void {
  process.emitWarning(
    `a "${String(event)}" listener threw and was skipped: ${error instanceof Error ? error.message : String(error)}`,
    "HybridRagListenerWarning",
  );
}
