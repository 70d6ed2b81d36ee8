// The registry of `oslogin` commands: one line per command, each module loaded only when used so
// `oslogin --help` and small commands start fast.
import type { Command } from "../command.js";

export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  // serve: { summary: "...", load: async () => (await import("./serve.js")).default },
};
