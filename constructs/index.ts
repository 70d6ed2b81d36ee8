// The oslogin-kit construct library: the provider, L1 constructs generated from src/resources, and
// the L2 patterns. Only constructs/ and examples/ import cdktf.
export * from "./provider.js";
export * from "./l1/index.js";
export { YandexResource, YandexDataSource, YandexImportBlock, propsToTerraform, type YandexImportBlockConfig } from "./l1/base.js";
export * from "./l2/principal.js";
export * from "./l2/organization.js";
export * from "./l2/service-account.js";
export * from "./l2/instance.js";
export * from "./l2/move.js";
