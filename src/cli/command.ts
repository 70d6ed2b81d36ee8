// The shape every `oslogin <command>` module exports. Only src/cli prints, parses argv or exits.

export interface Command {
  name: string;
  /** One line for `oslogin --help`. */
  summary: string;
  /** The full `oslogin <name> --help` text: usage, flags with defaults, an example. */
  help: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}
