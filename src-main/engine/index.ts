// The engine: store, API server and the built-in controllers, started together. Plain Node —
// the desktop shell and the headless server both start it; it never imports electron.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ObjectStore, type StoreOptions } from './store/object-store.js';
import { ApiServer } from './apiserver/api-server.js';
import { GarbageCollector } from './controllers/garbage-collector.js';
import { NamespaceController } from './controllers/namespace-controller.js';
import { EventCleaner, EventRecorder, type EventTtlOptions } from './controllers/events.js';
import { realClock, type Clock } from './clock.js';
import { isStatusError } from './api/errors.js';
import { startControllers, type RunningControllers, type StartControllersOptions } from './controllers/index.js';

export interface EngineOptions extends StoreOptions {
  clock?: Clock;
  events?: EventTtlOptions;
  /**
   * Workload controllers and the scheduler. Off unless given (`{}` for the defaults): unit tests of
   * the API machinery and of single controllers start exactly what they test.
   */
  controllers?: StartControllersOptions | false;
}

/** Namespaces every cluster has from the first start (as kube-apiserver's system namespaces controller). */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class Engine {
  readonly store: ObjectStore;
  readonly api: ApiServer;
  readonly clock: Clock;
  readonly gc: GarbageCollector;
  readonly namespaces: NamespaceController;
  readonly eventCleaner: EventCleaner;
  readonly startedInMs: number;
  controllers: RunningControllers | null = null;
  #lock: DataDirLock | null;

  private constructor(
    store: ObjectStore,
    clock: Clock,
    opts: EngineOptions,
    lock: DataDirLock | null,
    startedInMs: number,
  ) {
    this.store = store;
    this.clock = clock;
    this.api = new ApiServer(store, clock);
    this.gc = new GarbageCollector(this.api);
    this.namespaces = new NamespaceController(this.api);
    this.eventCleaner = new EventCleaner(this.api, opts.events);
    this.#lock = lock;
    this.startedInMs = startedInMs;
  }

  static async start(opts: EngineOptions = {}): Promise<Engine> {
    const t0 = performance.now();
    const clock = opts.clock ?? realClock;
    const lock = opts.dataDir ? await DataDirLock.acquire(opts.dataDir) : null;
    try {
      const store = await ObjectStore.open(opts);
      const engine = new Engine(store, clock, opts, lock, 0);
      await engine.#bootstrap();
      engine.gc.start();
      engine.namespaces.start();
      engine.eventCleaner.start();
      if (opts.controllers) engine.controllers = startControllers(engine, opts.controllers);
      (engine as { startedInMs: number }).startedInMs = performance.now() - t0;
      return engine;
    } catch (err) {
      await lock?.release();
      throw err;
    }
  }

  /** Something for controllers to record events with. */
  recorder(component: string, host?: string): EventRecorder {
    return new EventRecorder(this.api, component, host);
  }

  /** Wait until the built-in controllers have nothing left to do (tests). */
  async settle(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      await this.store.flush();
      await Promise.all([
        this.gc.whenIdle(),
        this.namespaces.whenIdle(),
        this.eventCleaner.whenIdle(),
        this.controllers?.whenIdle(),
      ]);
      await this.store.flush();
      await new Promise((r) => setImmediate(r));
      const busy = await Promise.race([
        Promise.all([this.gc.whenIdle(), this.namespaces.whenIdle()]).then(() => false),
        new Promise<boolean>((r) => setImmediate(() => r(true))),
      ]);
      if (!busy) return;
    }
  }

  async stop(): Promise<void> {
    this.controllers?.stop();
    this.gc.stop();
    this.namespaces.stop();
    this.eventCleaner.stop();
    await this.store.close();
    await this.#lock?.release();
  }

  async #bootstrap(): Promise<void> {
    for (const name of SYSTEM_NAMESPACES) {
      if (this.store.get(`/namespaces//${name}`)) continue;
      try {
        await this.api.create(
          { group: '', resource: 'namespaces' },
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        );
      } catch (err) {
        if (!(isStatusError(err) && err.code === 409)) throw err;
      }
    }
  }
}

export async function startEngine(opts: EngineOptions = {}): Promise<Engine> {
  return Engine.start(opts);
}

/**
 * One engine per data directory: two processes appending to one journal would corrupt it. The
 * lock file holds the owner's pid; a lock left by a dead process (a crash) is taken over.
 */
class DataDirLock {
  private constructor(readonly file: string) {}

  static async acquire(dir: string): Promise<DataDirLock> {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, 'engine.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fsp.writeFile(file, String(process.pid), { flag: 'wx', mode: 0o600 });
        return new DataDirLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(await fsp.readFile(file, 'utf8').catch(() => ''));
        if (pid && pid !== process.pid && isAlive(pid)) {
          throw new Error(
            `the data directory ${dir} is in use by another KubeDesk engine (pid ${pid}); stop it first or use another --data-dir`,
            { cause: err },
          );
        }
        await fsp.rm(file, { force: true });
      }
    }
    throw new Error(`could not lock the data directory ${dir}`);
  }

  async release(): Promise<void> {
    await fsp.rm(this.file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export { ApiServer } from './apiserver/api-server.js';
export { ObjectStore } from './store/object-store.js';
