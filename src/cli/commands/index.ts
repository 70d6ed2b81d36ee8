// The registry of `oslogin` commands: one line per command, each module loaded only when used so
// `oslogin --help` and small commands start fast.
import type { Command } from "../command.js";

export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  terraform: { summary: "Set up the real terraform to use our providers offline", load: async () => (await import("./terraform.js")).default },
  // serve: { summary: "...", load: async () => (await import("./serve.js")).default },
};
