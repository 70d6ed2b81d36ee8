// One measured synth in a fresh process: `child.ts <ours|plain> <size> <outdir>`; prints one JSON line.
import { App } from "cdktf";
import { FleetStack } from "../../examples/fleet/main.js";
import { PlainFleetStack } from "./plain-app.js";

const [variant, sizeText, outdir] = process.argv.slice(2);
const size = Number(sizeText);
const started = performance.now();
const app = new App({ outdir });
if (variant === "ours") new FleetStack(app, "fleet", { size });
else new PlainFleetStack(app, "fleet", size);
const built = performance.now();
app.synth();
const done = performance.now();
console.log(
  JSON.stringify({
    variant,
    size,
    constructMs: Math.round(built - started),
    synthMs: Math.round(done - built),
    totalMs: Math.round(done - started),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
