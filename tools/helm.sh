#!/usr/bin/env bash
# Prints the path of a pinned `helm` binary, building it from the Go module proxy the first time
# (`go install helm.sh/helm/v3/cmd/helm@<version>`): the chart checks need no package manager, no
# download site other than the module proxy and no Docker. The binary is cached under the cache directory
# (one per version), so later runs cost nothing.
#   bash tools/helm.sh            → /…/recsys/helm-v3.22.0/helm
#   HELM_VERSION=v3.x.y bash tools/helm.sh
# Measured on the 2-core development machine: first build ≈ see deploy/README.md; cached run < 0.1 s.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
bin_dir="$CACHE_DIR/helm-$HELM_VERSION"
helm="$bin_dir/helm"

if [ ! -x "$helm" ]; then
  command -v go >/dev/null || die "go not found: helm is built from the Go module proxy (Debian: apt-get install golang, or go.dev/dl)"
  log "building helm $HELM_VERSION from the Go module proxy into $bin_dir (first run only, a few minutes)"
  mkdir -p "$bin_dir"
  started=$(date +%s)
  # The link flags of helm's own Makefile: the version, and the Kubernetes version of its client
  # libraries as the default for `helm template`/`helm lint` (else v1.20, which fails kubeVersion).
  module_dir="$(go mod download -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$module_dir" ] || die "go mod download helm.sh/helm/v3@$HELM_VERSION failed"
  k8s_minor="$(sed -n 's/^[[:space:]]*k8s.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$module_dir/go.mod" | head -1)"
  [ -n "$k8s_minor" ] || die "cannot read the client-go version of helm $HELM_VERSION"
  ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  for package in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ldflags="$ldflags -X $package.k8sVersionMajor=1 -X $package.k8sVersionMinor=$k8s_minor"
  done
  # A temporary GOBIN, renamed into place at the end: an interrupted build never leaves a half binary.
  tmp_bin="$(mktemp -d "$bin_dir/.build.XXXXXX")"
  if ! CGO_ENABLED=0 GOBIN="$tmp_bin" GOFLAGS="${GOFLAGS:-} -buildvcs=false" \
    go install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2; then
    rm -rf "$tmp_bin"
    die "go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION failed"
  fi
  mv "$tmp_bin/helm" "$helm"
  rm -rf "$tmp_bin"
  log "helm $HELM_VERSION (Kubernetes 1.$k8s_minor client) built in $(( $(date +%s) - started )) s"
fi
echo "$helm"
