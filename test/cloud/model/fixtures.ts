// Shared GIVENs for the model tests: an in-memory model with a pinned clock, the quickstart-like
// organization, and helpers to act as a member or a service account with given roles.
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { encodeJson } from "../../../src/cloud/store/json.js";
import { ADMIN, type Caller, type Operation } from "../../../src/cloud/model/types.js";
import { CloudError } from "../../../src/contract/errors.js";

export const NOW = "2026-01-02T03:04:05.000Z";
export const ORG = "bpforg00000000000001";
export const OTHER_ORG = "bpforg00000000000002";
export const CLOUD = "b1gcloud000000000001";
export const FOLDER = "b1ffolder00000000001";
export const ALICE = "ajealice000000000001";
export const BOB = "ajebob00000000000002";
export const CAROL = "ajecarol000000000003";
export const SA = "ajssa000000000000001";

export const member = (id: string): Caller => ({ kind: "subject", subject: { type: "userAccount", id } });
export const serviceAccount = (id: string): Caller => ({ kind: "subject", subject: { type: "serviceAccount", id } });

/** GIVEN an organization with Alice, Bob and Carol, one cloud, one folder, OS Login off. */
export function openModel(): CloudModel {
  const model = CloudModel.open({ now: () => new Date(NOW) });
  model.directory.seed({
    organizations: [
      {
        id: ORG,
        name: "acme",
        title: "Acme",
        members: [
          { id: ALICE, name: "Alice", email: "alice@example.com" },
          { id: BOB, name: "Bob", email: "bob@example.com" },
          { id: CAROL, name: "Carol", email: "carol@example.com" },
        ],
        clouds: [{ id: CLOUD, name: "acme-cloud", folders: [{ id: FOLDER, name: "default" }] }],
      },
      { id: OTHER_ORG, name: "other" },
    ],
  });
  return model;
}

/**
 * A service account in the organization's folder, written straight into the shared schema so these
 * tests do not depend on the IAM service's code.
 */
export function addServiceAccount(model: CloudModel, id = SA, name = "robot"): void {
  const doc = { id, folderId: FOLDER, createdAt: NOW, name, description: "", labels: {} };
  model.ctx.db
    .prepare("INSERT INTO service_accounts (id, folder_id, cloud_id, name, doc) VALUES (?, ?, ?, ?, ?)")
    .run(id, FOLDER, CLOUD, name, encodeJson(doc));
}

/** Grants `roleId` on the organization to a caller's subject. */
export function grant(model: CloudModel, caller: Caller, roleId: string, organizationId = ORG): void {
  if (caller.kind !== "subject") throw new Error("grant needs a subject caller");
  model.access.updateAccessBindings(ADMIN, {
    resource: { kind: "organization", id: organizationId },
    accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId, subject: caller.subject } }],
  });
}

export const valueOf = <T>(op: Operation): T => op.response!.value as T;

/** The CloudError `fn` throws (fails the test when it throws something else or nothing). */
export function errorOf(fn: () => unknown): CloudError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CloudError) return e;
    throw e;
  }
  throw new Error("expected a CloudError, but the call succeeded");
}
