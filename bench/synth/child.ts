// One measured synth in a fresh process: `child.ts <ours|plain> <size> <outdir>`; prints one JSON line.
import { synthFleet } from "../../examples/fleet/main.js";

const [variant, sizeText, outdir] = process.argv.slice(2);
const size = Number(sizeText);
const { constructMs, synthMs } = synthFleet(variant === "plain" ? "plain" : "ours", size, outdir);
console.log(
  JSON.stringify({
    variant,
    size,
    constructMs,
    synthMs,
    totalMs: constructMs + synthMs,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
