// What a pool tells an observer. Pool.observe(fn) and an attachment's observe(fn) install the
// observed twins of get/put on the instance only, so a pool nobody observes runs exactly the
// prototype's code: observing costs nothing unless it is switched on. Events are plain objects
// created only while observed; the observer is called synchronously on the thread that made the
// operation, after the operation has taken effect (an observer that throws cannot undo it: the
// error reaches the caller of the operation).

/** Where a Pool's get() found its item; 'none': nothing pooled and no `new`, so it returned undefined. */
export type PoolGetSource = 'private' | 'shared' | 'victim-private' | 'victim-shared' | 'new' | 'none';

/** Where a Pool's put() left its item; 'dropped': debug mode's random drop or a bound; 'ignored': null or undefined. */
export type PoolPutTarget = 'private' | 'shared' | 'dropped' | 'ignored';

/** One operation of a Pool<T> (one isolate is one P: its local 0). */
export type PoolEvent<T = unknown> =
  | { readonly kind: 'get'; readonly source: PoolGetSource; readonly item: T | undefined }
  | { readonly kind: 'put'; readonly to: PoolPutTarget; readonly item: T }
  /** One poolCleanup as it affected this pool: primary items moved to the victim, victim items released. */
  | { readonly kind: 'cleanup'; readonly toVictim: number; readonly released: number }
  /** Items dropped for a reason other than a cleanup (an idle bound, a time-based release); `reason` says which. */
  | { readonly kind: 'release'; readonly reason: string; readonly count: number };

export type PoolObserver<T> = (event: PoolEvent<T>) => void;

/** Where a SharedPool attachment's get() found its block; 'none': it returned -1. */
export type SharedGetSource = 'private' | 'head' | 'steal' | 'arena' | 'none';

/** One operation of one SharedPool attachment (one thread, one local). */
export type SharedPoolEvent =
  /** `block` is the block index (-1 for 'none'); `from` is the local stolen from. */
  | { readonly kind: 'get'; readonly local: number; readonly source: SharedGetSource; readonly block: number; readonly from?: number }
  /** A put, and also detach() moving the private block to its ring head. */
  | { readonly kind: 'put'; readonly local: number; readonly to: 'private' | 'head'; readonly block: number }
  | { readonly kind: 'attach'; readonly local: number; readonly generation: number }
  | { readonly kind: 'detach'; readonly local: number }
  | { readonly kind: 'reclaim'; readonly local: number; readonly target: number; readonly recovered: number; readonly lost: number };

export type SharedPoolObserver = (event: SharedPoolEvent) => void;
