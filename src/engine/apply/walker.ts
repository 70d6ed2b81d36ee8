// The one graph walker: nodes wait for completion sets (a resource's instances, or one node), run
// under the single parallelism cap, and a failure skips only what waits on it, so independent
// branches carry on. Waiting on a whole resource's set (not each instance) keeps the edges
// linear: 10k VMs waiting on 10k service accounts is 10k edges, not 10^8.

export class Completion {
  remaining = 0;
  failedBy: string | undefined;
  private waiters: WalkNode[] = [];

  constructor(readonly name: string) {}

  add(): void {
    this.remaining++;
  }

  get done(): boolean {
    return this.remaining === 0;
  }

  wait(n: WalkNode): void {
    if (this.done) return;
    n.pending++;
    this.waiters.push(n);
  }

  finish(failedBy: string | undefined): void {
    if (failedBy && !this.failedBy) this.failedBy = failedBy;
    this.remaining--;
    if (this.remaining === 0) {
      const w = this.waiters;
      this.waiters = [];
      for (const n of w) n.depDone(this.failedBy);
    }
  }
}

export class WalkNode {
  pending = 0;
  blockedBy: string | undefined;
  status: "waiting" | "queued" | "running" | "ok" | "failed" | "skipped" = "waiting";
  readonly self: Completion;
  private walker: Walker | undefined;

  constructor(
    readonly id: string,
    readonly run: () => Promise<boolean>,
    readonly onSkip: (because: string) => void,
    /** Sets this node counts towards (its resource's set). */
    readonly memberOf: Completion[] = [],
  ) {
    this.self = new Completion(id);
    this.self.add();
    for (const c of memberOf) c.add();
  }

  attach(w: Walker): void {
    this.walker = w;
  }

  get attached(): boolean {
    return this.walker !== undefined;
  }

  depDone(failedBy: string | undefined): void {
    if (failedBy && !this.blockedBy) this.blockedBy = failedBy;
    this.pending--;
    if (this.pending === 0) this.walker?.ready(this);
  }

  complete(failedBy: string | undefined): void {
    this.self.finish(failedBy);
    for (const c of this.memberOf) c.finish(failedBy);
  }
}

/** What a node not started because the walk was stopped (Ctrl-C) reports as its cause. */
export const INTERRUPTED = "(interrupted)";

export class Walker {
  private readonly queue: WalkNode[] = [];
  private running = 0;
  private finished = 0;
  private stopped = false;
  private resolve!: () => void;

  constructor(
    private readonly nodes: WalkNode[],
    private readonly parallelism: number,
    /** Told each time a node settles (ran, failed or was skipped): progress counts. */
    private readonly onSettled: () => void = () => {},
  ) {}

  /**
   * Starts nothing more: every node not running yet is skipped as INTERRUPTED (and what waits on
   * it with it); the walk resolves once the nodes already running have finished.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const queued = this.queue.splice(0);
    for (const n of queued) this.skip(n, INTERRUPTED);
    for (const n of this.nodes) if (n.status === "waiting" && n.attached) this.skip(n, INTERRUPTED);
  }

  private skip(n: WalkNode, because: string): void {
    if (n.status !== "waiting" && n.status !== "queued") return;
    n.status = "skipped";
    n.onSkip(because);
    this.settled();
    n.complete(because);
    this.check();
  }

  ready(n: WalkNode): void {
    if (this.stopped) {
      this.skip(n, INTERRUPTED);
      return;
    }
    if (n.blockedBy) {
      n.status = "skipped";
      n.onSkip(n.blockedBy);
      this.settled();
      n.complete(n.blockedBy);
      this.check();
      return;
    }
    if (n.status !== "waiting") return; // already queued or done
    n.status = "queued";
    this.queue.push(n);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.parallelism && this.queue.length) {
      const n = this.queue.shift()!;
      this.running++;
      n.status = "running";
      n.run().then(
        (ok) => this.done(n, ok),
        () => this.done(n, false),
      );
    }
  }

  private done(n: WalkNode, ok: boolean): void {
    this.running--;
    this.settled();
    n.status = ok ? "ok" : "failed";
    n.complete(ok ? undefined : n.id);
    this.pump();
    this.check();
  }

  private settled(): void {
    this.finished++;
    this.onSettled();
  }

  private check(): void {
    if (this.finished === this.nodes.length) this.resolve?.();
  }

  /** Runs every node; resolves when each has run, failed or been skipped. */
  async walk(): Promise<{ stuck: WalkNode[] }> {
    const finished = new Promise<void>((r) => (this.resolve = r));
    for (const n of this.nodes) n.attach(this);
    if (this.nodes.length === 0) return { stuck: [] };
    for (const n of this.nodes) if (n.pending === 0 && n.status === "waiting") this.ready(n);
    if (this.finished === this.nodes.length) return { stuck: [] };
    // A wait cycle would leave nodes waiting forever; detect it rather than hang.
    await Promise.race([finished, this.idle()]);
    return { stuck: this.nodes.filter((n) => n.status === "waiting") };
  }

  private async idle(): Promise<void> {
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      if (this.running === 0 && this.queue.length === 0 && this.finished < this.nodes.length) return;
      if (this.finished === this.nodes.length) return;
    }
  }
}
