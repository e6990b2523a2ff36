import { UpstreamMemory, type UpstreamSlotMap } from "./upstream-memory.ts";

/**
 * One worker's states by key (a cluster key, a target origin), each a view on that key's slot in
 * the process's shared memory, or on private memory when there is none (no shared memory, a key
 * beyond the slot capacity). States survive config versions; the supervisor's slot map comes
 * with each config, and keys already in use keep their state.
 */
export abstract class SlotRegistry<T> {
  private readonly states = new Map<string, T>();
  private readonly memory: UpstreamMemory | null;
  private readonly worker: number;
  private readonly kind: "clusters" | "targets";
  private slots: Record<string, number> = {};

  constructor(kind: "clusters" | "targets", memory: UpstreamMemory | null, worker: number) {
    this.kind = kind;
    this.memory = memory;
    this.worker = worker;
  }

  /** A state over `slot` of `memory`. */
  protected abstract create(key: string, memory: UpstreamMemory, slot: number, worker: number): T;

  useSlots(map: UpstreamSlotMap | undefined): void {
    if (map) this.slots = map[this.kind];
  }

  get(key: string): T {
    let state = this.states.get(key);
    if (state === undefined) {
      const slot = this.slots[key];
      state = this.memory !== null && slot !== undefined && slot < this.memory[this.kind]
        ? this.create(key, this.memory, slot, this.worker)
        : this.create(key, UpstreamMemory.private(), 0, this.worker);
      this.states.set(key, state);
    }
    return state;
  }

  /** The state of `key` if this worker has made one. */
  protected existing(key: string): T | undefined {
    return this.states.get(key);
  }
}
