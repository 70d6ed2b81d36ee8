// yandex_compute_instance_iam_member: EXTENSION. The reference provider snapshot documents member
// resources for organizations and folders only; "osLogin on one VM" needs a binding on the instance,
// so this type follows the same generated shape (instance_id, role, member, sleep_after; import
// "<instance_id>,<role>,<TYPE:ID>").
import { defineIamMember } from "./iam-member.js";

export const instanceIamMember = defineIamMember({
  type: "yandex_compute_instance_iam_member",
  scopeAttribute: "instance_id",
  scopeKind: "instance",
  grantsOn: "instance",
  scopeName: "VM instance",
  extension: true,
});
