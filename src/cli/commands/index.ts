// The registry of `oslogin` commands: one line per command, each module loaded only when used so
// `oslogin --help` and small commands start fast.
import type { Command } from "../command.js";

export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  terraform: { summary: "Set up the real terraform to use our providers offline", load: async () => (await import("./terraform.js")).default },
  // serve: { summary: "...", load: async () => (await import("./serve.js")).default },
  cert: { summary: "Export a 1-hour SSH certificate and key pair from the organization CA", load: async () => (await import("./cert.js")).default },
  ca: { summary: "Print an organization's SSH CA public key (for TrustedUserCAKeys)", load: async () => (await import("./ca.js")).default },
  metadata: { summary: "Run one VM's OS Login metadata endpoint (for the real guest agent)", load: async () => (await import("./metadata.js")).default },
};
