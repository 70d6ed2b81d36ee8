// Who an OS Login profile or user SSH key may belong to: a member of the organization, or a
// service account in a folder of a cloud of the organization. Queried from the tables directly so
// OS Login does not depend on the IAM service's code, only on the shared schema.
import { CloudError, errors } from "../../contract/errors.js";
import type { ModelContext } from "./context.js";

export type SubjectKind = "userAccount" | "serviceAccount";

/** The kind of subject `subjectId` is within the organization, or undefined when it is neither. */
export function subjectKindIn(ctx: ModelContext, organizationId: string, subjectId: string): SubjectKind | undefined {
  if (ctx.sql("SELECT 1 FROM users WHERE id = ? AND organization_id = ?").get(subjectId, organizationId)) {
    return "userAccount";
  }
  const sa = ctx
    .sql("SELECT 1 FROM service_accounts sa JOIN clouds c ON c.id = sa.cloud_id WHERE sa.id = ? AND c.organization_id = ?")
    .get(subjectId, organizationId);
  return sa ? "serviceAccount" : undefined;
}

export function requireSubjectIn(ctx: ModelContext, organizationId: string, subjectId: string): SubjectKind {
  const kind = subjectKindIn(ctx, organizationId, subjectId);
  if (!kind) {
    throw new CloudError(
      "NOT_FOUND",
      `Subject ${JSON.stringify(subjectId)} not found in organization ${JSON.stringify(organizationId)}: it must be a member of the organization or a service account in one of its folders`,
      "subject_id",
    );
  }
  return kind;
}

export function requireOrganization(ctx: ModelContext, organizationId: string): void {
  if (!ctx.sql("SELECT 1 FROM organizations WHERE id = ?").get(organizationId)) {
    throw errors.notFound("Organization", organizationId);
  }
}
