// Parses our .proto copies into a protobufjs JSON descriptor. Used by the generator and by the test
// that keeps the committed descriptor in step with the .proto files; never at provider start-up.
import protobuf from "protobufjs";

export const PROTO_FILES = ["tfplugin6.proto", "go-plugin.proto", "health.proto"];

export function descriptorFromProtoFiles(protoDir: string): protobuf.INamespace {
  const root = new protobuf.Root();
  // google/protobuf/empty.proto is bundled with protobufjs; everything else is ours.
  root.resolvePath = (_origin, target) => (target.startsWith("google/protobuf/") ? target : `${protoDir}/${target}`);
  root.loadSync(PROTO_FILES, { keepCase: true });
  return root.toJSON();
}
