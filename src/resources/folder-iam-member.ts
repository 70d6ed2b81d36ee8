// yandex_resourcemanager_folder_iam_member (real provider, plugin-framework generated).
import { defineIamMember } from "./iam-member.js";

export const folderIamMember = defineIamMember({
  type: "yandex_resourcemanager_folder_iam_member",
  scopeAttribute: "folder_id",
  scopeKind: "folder",
  grantsOn: "folder",
  scopeName: "folder",
});
