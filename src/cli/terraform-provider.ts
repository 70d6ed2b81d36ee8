#!/usr/bin/env node
// The provider executable terraform runs (through the wrappers `oslogin terraform setup` writes):
//   node dist/src/cli/terraform-provider.js yandex|null
// It prints go-plugin's handshake line on stdout, serves until terraform calls
// GRPCController.Shutdown, and exits. Kept apart from `oslogin` (main.ts) because terraform starts it
// 3-5 times per command: every millisecond of start-up counts (see bench/terraform).
import module from "node:module";
// Small modules only up here (node built-ins and our schema helpers); the heavy ones load below.
import { PROVIDER_NAMES, type ProviderName } from "../tfplugin/providers.js";
import { tlsCacheDir } from "../tfplugin/tls.js";

async function main(): Promise<number> {
  const name = process.argv[2] as ProviderName;
  if (!PROVIDER_NAMES.includes(name)) {
    process.stderr.write(`usage: terraform-provider.js ${PROVIDER_NAMES.join("|")} (run by terraform; see \`oslogin terraform setup --help\`)\n`);
    return 2;
  }
  // Nothing but the handshake may reach stdout (terraform parses the first line); anything a library
  // logs goes to stderr, which terraform copies into its log (TF_LOG).
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  // go-plugin servers ignore SIGINT: Ctrl-C reaches the whole process group, and terraform itself
  // stops us with StopProvider and Shutdown, letting an in-flight apply finish and be saved.
  process.on("SIGINT", () => undefined);

  // Compiling our modules and their dependencies is most of a launch; Node >= 22.1 can cache the
  // compiled code on disk (Node 20 has no such API: nothing happens there). Enabled before the
  // modules below are loaded, hence the dynamic imports.
  (module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache?.(`${tlsCacheDir()}/compile-cache`);
  const [{ providerSpec }, { createProviderHandlers }, { servePlugin }] = await Promise.all([
    import("../tfplugin/providers.js"),
    import("../tfplugin/provider.js"),
    import("../tfplugin/server.js"),
  ]);

  const spec = await providerSpec(name, process.env);
  const server = await servePlugin({ env: process.env, handlers: createProviderHandlers(spec), tlsCacheDir: tlsCacheDir() });
  process.on("SIGTERM", () => server.stop());
  process.stdout.write(server.handshake + "\n");
  await server.done;
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    // A PluginStartError (no magic cookie, no common protocol version) or a start-up failure: one line.
    process.stderr.write(`terraform-provider-${process.argv[2] ?? "?"}: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.OSLOGIN_DEBUG === "1" && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exit(1);
  },
);
