// Who can be granted OS Login: a member of the organization or a service account. Grants take the
// object (aws-cdk style), so a construct can never be bound to a mistyped id.
import type { IConstruct } from "constructs";

export interface IOsLoginPrincipal extends IConstruct {
  /** The IAM member string, "userAccount:<id>" or "serviceAccount:<id>" (a token until apply). */
  readonly iamMember: string;
  /** The subject id (user or service account id). */
  readonly subjectId: string;
}

export { OS_ADMIN_LOGIN_ROLE, OS_LOGIN_ROLE } from "../../src/contract/roles.js";

/** A stable construct id for a grant: "<role without the service>-<principal's id>". */
export const grantId = (role: string, principal: IConstruct): string => `${role.replace(/^.*\./, "")}-${principal.node.id}`;
