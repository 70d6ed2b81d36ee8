// How fast this machine is right now, printed next to benchmark tables. The development VM's speed
// drifts by up to ~40% within an hour with nothing else running (the same no-op plan measured
// 0.75 s and 1.2 s an hour apart), which the load average does not show. A fixed CPU-bound
// workload timed just before a benchmark lets readers compare tables taken at different times.

/** Milliseconds for a fixed workload (JSON round trips and a sort over 50k small objects): the median of 5. */
export function referenceWorkloadMs(): number {
  const items = Array.from({ length: 50_000 }, (_, i) => ({ id: `item-${(i * 7919) % 50_000}`, n: i, tags: ["a", "b", String(i % 13)] }));
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    const copy = JSON.parse(JSON.stringify(items)) as typeof items;
    copy.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    runs.push(performance.now() - started);
  }
  return runs.sort((a, b) => a - b)[2];
}

/** One line for a benchmark's header. */
export function machineSpeedLine(): string {
  return `reference workload ${referenceWorkloadMs().toFixed(0)} ms (bench/machine-speed.ts; lower = faster machine at the time)`;
}
