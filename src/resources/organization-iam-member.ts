// yandex_organizationmanager_organization_iam_member (real provider, plugin-framework generated).
import { defineIamMember } from "./iam-member.js";

export const organizationIamMember = defineIamMember({
  type: "yandex_organizationmanager_organization_iam_member",
  scopeAttribute: "organization_id",
  scopeKind: "organization",
  grantsOn: "organization",
  scopeName: "organization",
});
