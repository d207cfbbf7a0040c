#!/usr/bin/env bash
# CI checks of the Helm chart deploy/helm/recsys, offline once the tools are cached:
#   1. values.schema.json lists exactly the settings each service's configuration reads (chart-env.ts),
#      and README.md's parameter tables match values.yaml (values-doc.ts);
#   2. helm lint --strict with the default values and with ci/production-values.yaml;
#   3. helm template of both, for every Kubernetes version checked (hooks and tests included);
#   4. every rendered document validated strictly: built-in kinds against the Kubernetes OpenAPI schemas
#      bundled in kubernetes-validate, KEDA and Prometheus Operator kinds against their CRDs' schemas.
# The jest suite deploy/helm/chart.int-spec.ts then checks the chart's policies on the rendered objects.
#
# Tools: helm from the Go module proxy (tools/helm.sh), kubernetes-validate from PyPI
# (deploy/helm/requirements.txt, tools/python-tools.sh), the CRDs from the KEDA and Prometheus Operator
# Go modules (`go mod download`, checked against the Go checksum database) — each fetched once into the
# cache directory; later runs use no network. CHART_KUBE_VERSIONS overrides the versions checked.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

CHART=deploy/helm/recsys
# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest the tools know.
KUBE_VERSIONS="${CHART_KUBE_VERSIONS:-1.29.0 1.37.0}"
KEDA_MODULE=github.com/kedacore/keda/v2@v2.21.0
PROMETHEUS_OPERATOR_MODULE=github.com/prometheus-operator/prometheus-operator@v0.85.0
CRD_DIR="$CACHE_DIR/chart-crds"

started=$(date +%s)

# Copies CRD files out of a Go module (downloaded into the module cache once, verified by go.sum's
# checksum database) into $CRD_DIR/<module>@<version>/; nothing is fetched when they are there.
crds_from_module() {
  local module="$1" subdir="$2"
  shift 2
  local target="$CRD_DIR/${module//\//_}" file missing=0
  for file in "$@"; do [ -f "$target/$file" ] || missing=1; done
  [ "$missing" = 0 ] && return 0
  command -v go >/dev/null || die "go not found: the CRD schemas come from the Go module proxy"
  log "fetching the CRDs of $module (first run only)"
  local dir
  dir="$(go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] && [ -d "$dir/$subdir" ] || die "go mod download $module gave no $subdir"
  mkdir -p "$target"
  for file in "$@"; do
    [ -f "$dir/$subdir/$file" ] || die "$module has no $subdir/$file"
    cp "$dir/$subdir/$file" "$target/$file.tmp" && mv "$target/$file.tmp" "$target/$file"
  done
}

helm="$(bash tools/helm.sh)"
venv="$(bash tools/python-tools.sh deploy/helm/requirements.txt)"
crds_from_module "$KEDA_MODULE" config/crd/bases \
  keda.sh_scaledobjects.yaml keda.sh_triggerauthentications.yaml
crds_from_module "$PROMETHEUS_OPERATOR_MODULE" example/prometheus-operator-crd \
  monitoring.coreos.com_servicemonitors.yaml

log "values.schema.json env names against the services' configuration; README parameter tables"
SWC_NODE_PROJECT=tsconfig.json node -r @swc-node/register deploy/helm/chart-env.ts
SWC_NODE_PROJECT=tsconfig.json node -r @swc-node/register deploy/helm/values-doc.ts

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
rendered=()
for values in default ci/production-values.yaml; do
  args=()
  [ "$values" = default ] || args=(-f "$CHART/$values")
  label="$(basename "$values" .yaml)"
  log "helm lint ($label)"
  "$helm" lint --strict "$CHART" "${args[@]}"
  for version in $KUBE_VERSIONS; do
    file="$out/$label-$version.yaml"
    "$helm" template recsys "$CHART" --namespace recsys --kube-version "$version" "${args[@]}" >"$file"
    rendered+=("$file")
  done
done

log "validating $(cat "${rendered[@]}" | grep -c '^kind:') rendered documents (Kubernetes $KUBE_VERSIONS)"
version_args=()
for version in $KUBE_VERSIONS; do version_args+=(--kubernetes-version "$version"); done
"$venv/python" deploy/helm/validate-manifests.py "${version_args[@]}" --crd-dir "$CRD_DIR" "${rendered[@]}"

log "chart checks passed in $(( $(date +%s) - started )) s"
