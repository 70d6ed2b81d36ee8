// The contract every layer shares ("oslogin-kit/contract"): the API's message types, its limits and
// rules, the role catalog, the error type every client rejects with, the CloudClient interface and
// the authorized key file. The emulator (src/cloud) implements it; resources, constructs, the
// engine, the inventory and users' programs depend on it and on nothing inside src/cloud.
export type * from "./api-types.js";
export * from "./cloud-client.js";
export * from "./errors.js";
export * from "./key-file.js";
export * from "./roles.js";
export * from "./rules.js";
