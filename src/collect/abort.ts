/**
 * One 'abort' listener per signal, however many waits are pending on it.
 *
 * A collection shares one AbortSignal among thousands of waits (pacer spacing, backoff, the run's
 * request budget). Adding a listener per wait put dozens on the signal at once, and Node warns
 * (`MaxListenersExceededWarning: Possible EventTarget memory leak detected. 11 abort listeners
 * added to [AbortSignal]`) from the eleventh. Here each signal gets a single listener, added when
 * its first wait starts and removed when its last wait ends, that fans the abort out to the waits
 * still pending; a caller's signal carries nothing of ours once a collection is over.
 */

type Callback = () => void;

interface Fanout {
  callbacks: Set<Callback>;
  listener: () => void;
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

/**
 * Calls `callback` once if `signal` aborts; the returned function unsubscribes (call it when the
 * wait ends another way). A signal that has already aborted is the caller's to check first.
 */
export function onAbort(signal: AbortSignal, callback: Callback): () => void {
  let fanout = fanouts.get(signal);
  if (!fanout) {
    const callbacks = new Set<Callback>();
    const created: Fanout = {
      callbacks,
      listener: () => {
        fanouts.delete(signal);
        for (const waiting of [...callbacks]) waiting();
        callbacks.clear();
      },
    };
    fanout = created;
    fanouts.set(signal, created);
    signal.addEventListener('abort', created.listener, { once: true });
  }
  const current = fanout;
  // A wrapper per subscription, so the same function subscribed twice is two waits.
  const entry: Callback = () => callback();
  current.callbacks.add(entry);
  return () => {
    if (!current.callbacks.delete(entry) || current.callbacks.size > 0) return;
    signal.removeEventListener('abort', current.listener);
    if (fanouts.get(signal) === current) fanouts.delete(signal);
  };
}
