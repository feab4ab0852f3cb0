// Prints, as one JSON array, every object in the manifests that k8s/kustomization.yaml lists, in
// order (what `kubectl apply -k k8s/` would send). Run with NODE_PATH=k8s/node_modules.
//   node manifests-to-json.cjs K8S_DIR
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { parse, parseAllDocuments } = require("yaml");

const dir = process.argv[2];
const { resources } = parse(readFileSync(join(dir, "kustomization.yaml"), "utf8"));
const objects = resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), "utf8")).map((d) => d.toJS()).filter((o) => o !== null));
process.stdout.write(JSON.stringify(objects));
