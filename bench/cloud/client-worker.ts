// A bench/cloud client in its own thread: one Node process's event loop tops out at a few thousand
// SDK calls per second (grpc-js and the SDK's middleware cost ~400 µs of client CPU per call), so the
// runner spreads the load over several of these to measure the server rather than one client.
// It owns the index range it was given, runs each phase the runner asks for over it, and answers.
import { parentPort, workerData } from "node:worker_threads";
import { leanGrpcCalls } from "./lean-grpc.js";
import { grpcCalls, restCalls, type Served, type WireCalls } from "./wire-calls.js";
import { runPhase, type Phase } from "./workload.js";

export interface ClientWorkerData {
  kind: WireKind;
  served: Served;
  keys: string[];
  width: number;
}

/** rest: node:http; grpc: the official SDK; grpc-lean: bare HTTP/2 with the same messages (lean-grpc.ts). */
export type WireKind = "rest" | "grpc" | "grpc-lean";

export type ClientRequest = { phase: Phase; from: number; to: number } | { close: true };

const data = workerData as ClientWorkerData;
const CLIENTS: Record<WireKind, (d: ClientWorkerData) => WireCalls> = {
  rest: (d) => restCalls(d.served, d.keys, d.width),
  grpc: (d) => grpcCalls(d.served, d.keys),
  "grpc-lean": (d) => leanGrpcCalls(d.served, d.keys),
};
const calls = CLIENTS[data.kind](data);
const ids = new Map<Phase, string[]>();

parentPort!.on("message", (req: ClientRequest) => {
  const done =
    "close" in req ? calls.close() : runPhase(calls, req.phase, req.from, req.to, data.width, ids);
  done.then(
    () => parentPort!.postMessage({ ok: true }),
    (e: unknown) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
