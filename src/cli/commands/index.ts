// The registry of `oslogin` commands: one line per command, each module loaded only when used so
// `oslogin --help` and small commands start fast.
import type { Command } from "../command.js";

/**
 * `server`: runs until stopped, so it keeps V8's default tuning (see src/cli/v8-tuning.ts).
 * `subcommands`: the words the command takes first (the JSON envelope names them, and the docs test
 * checks the documentation against them).
 */
export const commands: Record<string, { summary: string; server?: true; subcommands?: readonly string[]; load: () => Promise<Command> }> = {
  terraform: { summary: "Set up the real terraform to use our providers offline", subcommands: ["setup"], load: async () => (await import("./terraform.js")).default },
  serve: { summary: "Run the Yandex Cloud emulator (REST + gRPC over TLS) on a data directory", server: true, load: async () => (await import("./serve.js")).default },
  cert: { summary: "Export a 1-hour SSH certificate and key pair from the organization CA", subcommands: ["export"], load: async () => (await import("./cert.js")).default },
  ca: { summary: "Print an organization's SSH CA public key (for TrustedUserCAKeys)", subcommands: ["public-key"], load: async () => (await import("./ca.js")).default },
  vm: { summary: "Print or install the sshd files an OS Login VM needs (AuthorizedPrincipalsCommand, drop-in)", subcommands: ["principals-command", "sshd-config"], load: async () => (await import("./vm.js")).default },
  metadata: { summary: "Run one VM's OS Login metadata endpoint (for the real guest agent)", server: true, load: async () => (await import("./metadata.js")).default },
  inventory: { summary: "Ansible dynamic inventory of OS Login VMs with a 1-hour certificate", subcommands: ["export"], load: async () => (await import("./inventory.js")).default },
  ssh: { summary: "Log in to an OS Login VM with a fresh certificate and its published host key", load: async () => (await import("./ssh.js")).default },
  scp: { summary: "Copy files to or from an OS Login VM (same resolution as oslogin ssh)", load: async () => (await import("./scp.js")).default },
  "ssh-config": { summary: "ssh_config Host blocks for the inventory's VMs", load: async () => (await import("./ssh-config.js")).default },
  synth: { summary: "Run the CDKTF app (cdktf.json) to write cdktf.out", load: async () => (await import("./synth.js")).default },
  plan: { summary: "Show what apply would change, with drift and the access review", load: async () => (await import("./plan.js")).default },
  apply: { summary: "Apply the configuration (or a saved plan) to the cloud", load: async () => (await import("./apply.js")).default },
  destroy: { summary: "Delete everything the stack manages", load: async () => (await import("./destroy.js")).default },
  refresh: { summary: "Update state from the cloud without changing the cloud", load: async () => (await import("./refresh.js")).default },
  validate: { summary: "Check the configuration without touching the cloud or the state", load: async () => (await import("./validate.js")).default },
  import: { summary: "Adopt an existing object into state", load: async () => (await import("./import.js")).default },
  taint: { summary: "Mark an object in state for replacement by the next apply", load: async () => (await import("./taint.js")).taint },
  untaint: { summary: "Clear the tainted mark of an object in state", load: async () => (await import("./taint.js")).untaint },
  state: { summary: "List, show, remove, rename, pull, push or migrate the stack's state", subcommands: ["list", "show", "rm", "mv", "pull", "push", "migrate"], load: async () => (await import("./state.js")).default },
  workspace: { summary: "List, create, select or delete the stack's workspaces (terraform's)", subcommands: ["list", "show", "new", "select", "delete"], load: async () => (await import("./workspace.js")).default },
  show: { summary: "Print a plan file or the state in terraform's JSON format (show -json)", load: async () => (await import("./show.js")).default },
  lint: { summary: "Flag risky access in a plan JSON or the stack (text, md, json, SARIF)", load: async () => (await import("./lint.js")).default },
  review: { summary: "The access review of a plan JSON (terraform show -json or oslogin show -json)", load: async () => (await import("./review.js")).default },
  access: { summary: "Who can log in to which OS Login VM now (login, uid, sudo, via)", load: async () => (await import("./access.js")).default },
  output: { summary: "Print the stack's outputs", load: async () => (await import("./output.js")).default },
  "force-unlock": { summary: "Remove a stuck state lock by its ID", load: async () => (await import("./force-unlock.js")).default },
  init: { summary: "Start a new app: main.ts with the constructs, seed.yaml, cdktf.json, seeded cloud", load: async () => (await import("./init.js")).default },
  seed: { summary: "Seed organizations, members, clouds and folders from a YAML file", load: async () => (await import("./seed.js")).default },
  "ansible-key": { summary: "Write a service account's authorized key (from state) for Ansible", load: async () => (await import("./ansible-key.js")).default },
  quickstart: { summary: "Seed the organization, synth, plan and apply the quickstart (npm start)", load: async () => (await import("./quickstart.js")).default },
};
