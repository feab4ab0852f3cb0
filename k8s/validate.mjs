// Validates every manifest that kustomization.yaml lists against the Kubernetes API schemas of the
// npm package kubernetes-models (generated from the upstream OpenAPI definitions), with no cluster.
// Also checks that kustomization.yaml lists every manifest in this directory and nothing else.
//   npm ci && node validate.mjs        (prints "ok FILE KIND NAME" per object; exit 1 on any error)
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const errors = [];

const kustomization = parse("kustomization.yaml")[0];
const listed = kustomization.resources ?? [];
const present = readdirSync(here).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
for (const file of present.filter((f) => !listed.includes(f))) errors.push(`${file}: not listed in kustomization.yaml`);
for (const file of listed.filter((f) => !present.includes(f))) errors.push(`kustomization.yaml lists ${file}, which does not exist`);

for (const file of listed.filter((f) => present.includes(f))) {
  for (const object of parse(file)) {
    const where = `${file}: ${object?.kind ?? "?"} ${object?.metadata?.name ?? "?"}`;
    try {
      const Model = await modelOf(object);
      new Model(object).validate();
      console.log(`ok ${where}`);
    } catch (error) {
      errors.push(`${where}: ${error.message}`);
    }
  }
}

for (const error of errors) console.error(`invalid: ${error}`);
process.exit(errors.length === 0 ? 0 : 1);

function parse(file) {
  const documents = parseAllDocuments(readFileSync(join(here, file), "utf8"));
  for (const document of documents) {
    for (const error of document.errors) throw new Error(`${file}: ${error.message}`);
  }
  return documents.map((d) => d.toJS()).filter((o) => o !== null);
}

// apiVersion "apps/v1" -> kubernetes-models/apps/v1, "v1" -> kubernetes-models/v1; the class is the kind.
async function modelOf(object) {
  if (typeof object?.apiVersion !== "string" || typeof object?.kind !== "string") {
    throw new Error("no apiVersion or kind");
  }
  let module;
  try {
    module = await import(`kubernetes-models/${object.apiVersion}`);
  } catch {
    throw new Error(`unknown apiVersion ${object.apiVersion}`);
  }
  const Model = module[object.kind];
  if (typeof Model !== "function") throw new Error(`unknown kind ${object.kind} in ${object.apiVersion}`);
  return Model;
}
