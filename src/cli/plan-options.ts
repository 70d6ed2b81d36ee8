// The flags that scope a plan and give it inputs, shared by plan, apply, destroy and refresh with
// terraform's spellings (-target=ADDR, -replace=ADDR, -var 'n=v', -var-file=F, -refresh=false);
// the GNU spellings (--target ADDR) work too, as for every flag of this CLI (src/cli/args.ts).
import { list, trueFalse, UsageError, type FlagSpec, type ParsedArgs } from "./args.js";
import { diagnosticsError } from "./errors.js";
import { collectVariableAssignments } from "../engine/config/tfvars.js";
import { hasErrors } from "../engine/diagnostics.js";
import type { PlanRequest } from "../engine/engine.js";

/** Which of the flags a command takes: replace only where terraform has it (plan, apply). */
export interface PlanOptionSet {
  replace?: boolean;
  refresh?: boolean;
  /** Only -var and -var-file (import, which reads one object and plans nothing). */
  variablesOnly?: boolean;
}

export function planOptionFlags(o: PlanOptionSet): Record<string, FlagSpec> {
  return {
    ...(o.variablesOnly ? {} : { target: { value: true, repeat: true } }),
    var: { value: true, repeat: true },
    "var-file": { value: true, repeat: true },
    ...(o.refresh ? { refresh: {} } : {}),
    ...(o.replace ? { replace: { value: true, repeat: true } } : {}),
  };
}

const TARGET_HELP = `  -target=ADDR         plan only this resource (TYPE.NAME), instance (TYPE.NAME[0]) or construct
                       path (web-1, <stack>/web-1: every resource under that construct), and what it
                       depends on (destroy: and what depends on it); repeatable. Prints terraform's
                       "Resource targeting is in effect" warning: not for routine use`;

const REPLACE_HELP = `  -replace=ADDR        replace this instance even if unchanged ("will be replaced, as requested"):
                       delete then create, or create then delete with create_before_destroy; repeatable`;

const VARIABLES_HELP = `  -var 'NAME=VALUE'    a value for the stack's TerraformVariable NAME (repeatable); a list, map or
                       object variable takes an HCL value: -var 'zones=["a","b"]'
  -var-file=FILE       variable values from FILE: HCL (name = "x", numbers, bools, lists, maps) or
                       JSON (FILE.json); repeatable. Precedence, last wins: the variable's default,
                       TF_VAR_NAME, ./terraform.tfvars(.json), ./*.auto.tfvars(.json) in name order,
                       then -var-file and -var in the order given. A -var for an undeclared
                       variable is an error; one in a file is a warning`;

const REFRESH_HELP = `  -refresh=false       plan from the state as it is: read nothing from the cloud (drift outside
                       oslogin goes unnoticed)`;

export function planOptionHelp(o: PlanOptionSet): string {
  const gnu = `                       (the GNU spellings work too: ${o.variablesOnly ? "" : "--target ADDR, "}--var NAME=VALUE, --var-file FILE)`;
  return [o.variablesOnly ? "" : TARGET_HELP, o.replace ? REPLACE_HELP : "", VARIABLES_HELP, o.refresh ? REFRESH_HELP : "", gnu].filter(Boolean).join("\n");
}

/** The plan request's scoping and inputs from the flags; the variables files are read from the current directory. */
export function planOptions(args: ParsedArgs, o: PlanOptionSet): Pick<PlanRequest, "targets" | "replace" | "variables" | "refresh"> {
  const given = args.sequence.filter((s) => s.name === "var" || s.name === "var-file").map((s) => ({ flag: s.name as "var" | "var-file", value: s.value }));
  const vars = collectVariableAssignments(process.cwd(), given);
  if (hasErrors(vars.diagnostics)) throw diagnosticsError(vars.diagnostics);
  return {
    ...(o.variablesOnly ? {} : { targets: list(args, "target") }),
    ...(o.replace ? { replace: list(args, "replace") } : {}),
    variables: vars.assignments,
    ...(o.refresh ? { refresh: trueFalse(args, "refresh", true) } : {}),
  };
}

/** apply PLANFILE: the plan already fixed its scope and inputs (terraform refuses them too). */
export function refuseWithSavedPlan(args: ParsedArgs): void {
  for (const name of ["target", "replace", "var", "var-file", "refresh"]) {
    if (args.flags[name] !== undefined) throw new UsageError(`-${name} cannot be used when applying a saved plan: the plan already fixed its targets, replacements and variable values; pass it to "oslogin plan" instead`);
  }
}
