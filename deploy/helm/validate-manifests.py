"""Validates rendered Kubernetes manifests offline, strictly, and fails on anything it cannot check.

Built-in kinds are checked with kubernetes-validate (the Kubernetes OpenAPI schemas it bundles, in strict
mode: unknown fields are errors) for every --kubernetes-version given. Custom resources (KEDA, Prometheus
Operator) are checked against the openAPIV3Schema of their CRD files in --crd-dir, made strict the way
`kubectl apply --validate=strict` is: an object schema without additionalProperties or
x-kubernetes-preserve-unknown-fields refuses unknown fields. A kind with no schema is an error, not a
warning (kubernetes-validate alone would only warn and pass).

    python validate-manifests.py --kubernetes-version 1.29.0 --kubernetes-version 1.37.0 \
        --crd-dir ~/.cache/recsys/chart-crds rendered-default.yaml rendered-production.yaml

Runs with the Python of the kubernetes-validate virtualenv (tools/python-tools.sh), whose jsonschema and
PyYAML it uses.
"""

import argparse
import copy
import pathlib
import sys

import jsonschema
import yaml
from kubernetes_validate import utils as kubernetes_validate


def strict(schema):
    """A copy of a structural CRD schema as JSON Schema that refuses unknown fields."""
    schema = copy.deepcopy(schema)

    def visit(node):
        if not isinstance(node, dict):
            return
        if node.pop("x-kubernetes-int-or-string", False):
            node.pop("type", None)
            node["anyOf"] = [{"type": "integer"}, {"type": "string"}]
        if node.pop("nullable", False) and "type" in node:
            node["type"] = [node["type"], "null"]
        preserve = node.pop("x-kubernetes-preserve-unknown-fields", False)
        if "properties" in node and "additionalProperties" not in node and not preserve:
            node["additionalProperties"] = False
        for key in ("properties", "patternProperties", "definitions"):
            for child in node.get(key, {}).values():
                visit(child)
        for key in ("items", "additionalProperties", "not"):
            visit(node.get(key))
        for key in ("allOf", "anyOf", "oneOf"):
            for child in node.get(key, []):
                visit(child)

    visit(schema)
    # metadata is the standard ObjectMeta, already checked by the API server; the CRD schema leaves it open.
    schema.get("properties", {}).get("metadata", {}).pop("additionalProperties", None)
    return schema


def crd_schemas(directory):
    """(apiVersion, kind) → strict validator, from every CRD file under `directory`."""
    validators = {}
    for path in sorted(pathlib.Path(directory).rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if not document or document.get("kind") != "CustomResourceDefinition":
                continue
            spec = document["spec"]
            for version in spec["versions"]:
                schema = strict(version["schema"]["openAPIV3Schema"])
                api_version = f"{spec['group']}/{version['name']}"
                validators[(api_version, spec["names"]["kind"])] = (
                    jsonschema.Draft7Validator(schema),
                    path.name,
                )
    return validators


def documents(paths):
    for path in paths:
        for index, document in enumerate(yaml.safe_load_all(pathlib.Path(path).read_text())):
            if document:
                yield path, index, document


def name_of(document):
    metadata = document.get("metadata") or {}
    return f"{document.get('kind')}/{metadata.get('name')}"


def check(document, versions, validators):
    """Error messages for one document (empty when valid)."""
    key = (document.get("apiVersion"), document.get("kind"))
    if key in validators:
        validator, source = validators[key]
        return [
            f"{'.'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message} [{source}]"
            for error in validator.iter_errors(document)
        ]
    errors = []
    for version in versions:
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(part) for part in error.path) or "(root)"
            errors.append(f"Kubernetes {version}: {path}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            errors.append(f"no schema: {error.message} (and no CRD schema in --crd-dir)")
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kubernetes-version", action="append", required=True)
    parser.add_argument("--crd-dir", required=True)
    parser.add_argument("manifests", nargs="+")
    args = parser.parse_args()

    validators = crd_schemas(args.crd_dir)
    checked, failed = 0, 0
    kinds = set()
    for path, index, document in documents(args.manifests):
        checked += 1
        kinds.add(document.get("kind"))
        for error in check(document, args.kubernetes_version, validators):
            failed += 1
            print(f"ERROR {path} #{index} {name_of(document)}: {error}")
    summary = (
        f"{checked} documents ({', '.join(sorted(kinds))}) against Kubernetes "
        f"{', '.join(args.kubernetes_version)} and {len(validators)} CRD schemas"
    )
    if failed:
        print(f"FAILED: {failed} error(s) in {summary}")
        return 1
    if checked == 0:
        print("FAILED: no documents to validate")
        return 1
    print(f"valid: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
