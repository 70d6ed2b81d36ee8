// A small directory for the IAM/compute model tests: one organization with two clouds' worth of
// hierarchy, members and a group, written straight into the shared schema (the directory service's
// seeding is tested on its own; these tests only need the rows to exist).
import { AccessService } from "../../../src/cloud/model/access.js";
import { IamTokenService } from "../../../src/cloud/model/iam-tokens.js";
import { InstanceService } from "../../../src/cloud/model/instances.js";
import { KeyService } from "../../../src/cloud/model/keys.js";
import { OsLoginService } from "../../../src/cloud/model/os-login.js";
import { ServiceAccountService } from "../../../src/cloud/model/service-accounts.js";
import { ModelContext } from "../../../src/cloud/model/context.js";
import { Store } from "../../../src/cloud/store/store.js";
import { encodeJson } from "../../../src/cloud/store/json.js";
import type { Caller } from "../../../src/cloud/model/types.js";

export const ORG = "bpforg0000000000000a";
export const OTHER_ORG = "bpforg0000000000000b";
export const CLOUD = "b1gcloud000000000001";
export const FOLDER = "b1ffolder00000000001";
export const OTHER_FOLDER = "b1ffolder00000000002";
export const OTHER_CLOUD = "b1gcloud000000000002";
export const ALICE = "ajealice000000000001";
export const BOB = "ajebob00000000000001";
export const CAROL = "ajecarol000000000001";
export const OUTSIDER = "ajeoutsider000000001";
export const OPS_GROUP = "ajgops00000000000001";

export const FIXED_NOW = new Date("2026-11-23T12:00:00.000Z");

export const asUser = (id: string): Caller => ({ kind: "subject", subject: { type: "userAccount", id } });
export const asServiceAccount = (id: string): Caller => ({ kind: "subject", subject: { type: "serviceAccount", id } });

export interface Fixture {
  store: Store;
  ctx: ModelContext;
  access: AccessService;
  serviceAccounts: ServiceAccountService;
  keys: KeyService;
  iamTokens: IamTokenService;
  instances: InstanceService;
  clock: { now: Date };
  setOsLogin(organizationId: string, certificates: boolean, keys: boolean): void;
}

export function openFixture(): Fixture {
  const store = Store.open();
  const clock = { now: FIXED_NOW };
  const ctx = new ModelContext(store, () => clock.now);
  const db = store.db;
  const t = FIXED_NOW.toISOString();
  for (const [id, name] of [[ORG, "acme"], [OTHER_ORG, "other"]] as const) {
    db.prepare("INSERT INTO organizations (id, doc) VALUES (?, ?)").run(id, encodeJson({ id, name, title: name, createdAt: t }));
  }
  const users: [string, string, string][] = [[ALICE, ORG, "alice"], [BOB, ORG, "bob"], [CAROL, ORG, "carol"], [OUTSIDER, OTHER_ORG, "outsider"]];
  for (const [id, org, name] of users) {
    db.prepare("INSERT INTO users (id, organization_id, email, doc) VALUES (?, ?, ?, ?)").run(
      id, org, `${name}@example.com`, encodeJson({ id, organizationId: org, name, email: `${name}@example.com` }),
    );
  }
  db.prepare("INSERT INTO groups (id, organization_id, name, doc) VALUES (?, ?, ?, ?)").run(
    OPS_GROUP, ORG, "ops", encodeJson({ id: OPS_GROUP, organizationId: ORG, name: "ops", members: [BOB] }),
  );
  for (const [id, org] of [[CLOUD, ORG], [OTHER_CLOUD, OTHER_ORG]] as const) {
    db.prepare("INSERT INTO clouds (id, organization_id, doc) VALUES (?, ?, ?)").run(id, org, encodeJson({ id, organizationId: org, name: id, createdAt: t }));
  }
  for (const [id, cloud] of [[FOLDER, CLOUD], [OTHER_FOLDER, OTHER_CLOUD]] as const) {
    db.prepare("INSERT INTO folders (id, cloud_id, doc) VALUES (?, ?, ?)").run(id, cloud, encodeJson({ id, cloudId: cloud, name: id, createdAt: t }));
  }
  const access = new AccessService(ctx);
  const keys = new KeyService(ctx);
  return {
    store,
    ctx,
    access,
    serviceAccounts: new ServiceAccountService(ctx, access),
    keys,
    iamTokens: new IamTokenService(ctx, keys),
    instances: new InstanceService(ctx, access, new OsLoginService(ctx)),
    clock,
    setOsLogin(organizationId, certificates, keys) {
      db.prepare("INSERT OR REPLACE INTO os_login_settings (organization_id, doc) VALUES (?, ?)").run(
        organizationId,
        encodeJson({ userSshKeySettings: { enabled: keys, allowManageOwnKeys: false }, sshCertificateSettings: { enabled: certificates } }),
      );
    },
  };
}
