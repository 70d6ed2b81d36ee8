#!/usr/bin/env node
// `oslogin-inventory`: the executable Ansible runs as an inventory script (`ansible -i <it>`),
// i.e. `oslogin inventory` with Ansible's --list / --host arguments.
import command from "./commands/inventory.js";
import { UsageError } from "./args.js";
import { tuneV8ForOneShot } from "./v8-tuning.js";

tuneV8ForOneShot();

command.run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`oslogin-inventory: ${e instanceof UsageError ? e.message : e instanceof Error ? e.message : String(e)}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
