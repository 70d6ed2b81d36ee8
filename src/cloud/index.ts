// "oslogin-kit/cloud": the emulator for programs and tests. Open the embedded cloud on a data
// directory (the same cloud.db the CLI uses) and talk to it through a CloudClient, start it as a
// server (REST + gRPC over TLS, what `oslogin serve` runs), or connect to a running server.
// Everything returned is typed by the contract ("oslogin-kit/contract"); the model stays inside.
import type { CloudClient } from "../contract/cloud-client.js";
import { InProcessCloudClient } from "./client/inprocess.js";
import { CloudModel } from "./model/cloud-model.js";
import type { SeedResult } from "./model/directory.js";

export { startCloudServer, type CloudServer, type CloudServerOptions } from "./server.js";
export type { SeedResult } from "./model/directory.js";

export interface EmbeddedCloud {
  /** Calls the cloud in this process as the emulator's admin. */
  readonly client: CloudClient;
  /**
   * Seeds organizations, members, groups, clouds and folders from a YAML document (the format of
   * `oslogin seed`); seeding the same document again changes nothing.
   */
  seed(yaml: string): SeedResult;
  /** Waits for pending writes, then closes the database. */
  close(): Promise<void>;
}

export interface EmbeddedCloudOptions {
  /** Directory of cloud.db (created if missing); omitted = in memory. */
  dataDir?: string;
}

export function openEmbeddedCloud(opts: EmbeddedCloudOptions = {}): EmbeddedCloud {
  const model = CloudModel.open({ dataDir: opts.dataDir, groupCommit: opts.dataDir !== undefined });
  const client = new InProcessCloudClient(model);
  return {
    client,
    seed: (yaml) => model.directory.seedFromYaml(yaml),
    close: async () => {
      await client.close();
      await model.closeWhenIdle();
    },
  };
}

/**
 * A client for a running `oslogin serve` (gRPC over TLS, the official SDK), as its admin: the
 * server's certificate and admin token are read from its data directory.
 */
export async function connectCloud(opts: { endpoint: string; dataDir: string }): Promise<CloudClient> {
  const { openGrpcCloudClient } = await import("./client/grpc.js");
  return openGrpcCloudClient(opts);
}
