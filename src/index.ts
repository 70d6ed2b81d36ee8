// "oslogin-kit": what a CDKTF app imports. The constructs (the provider, L1 and L2), the contract
// (API types, rules, CloudClient) and SSH key helpers. Loading it never loads the emulator: that
// is "oslogin-kit/cloud".
export * from "../constructs/index.js";
export * from "./contract/index.js";
export { ensureEd25519KeyPair, generateEd25519KeyPair, type SshKeyPair } from "./ssh/keypair.js";
