#!/usr/bin/env bash
# The build steps of every recsys image, in one place: deploy/docker/Dockerfile runs them in its build
# stage, and the image test (deploy/docker/test/image.int-spec.ts) runs the very same commands without
# Docker, then starts the service from the result. Run from the root of a build context.
#   stage.sh build <service>              Nx build → dist/apps/<service> (tsc + tsc-alias, libs compiled in)
#   stage.sh assemble <service> <out>     the runtime stage's /app: build output + the packages it loads
# WITH_OPTIONAL=@tensorflow/tfjs-node includes that optional dependency when it is installed.
set -euo pipefail

usage() { echo "usage: stage.sh build <service> | assemble <service> <out-dir>" >&2; exit 2; }
[ $# -ge 2 ] || usage
step="$1" service="$2"
case "$service" in
  collector | preprocessor | trainer | scorer | console | cli) ;;
  *) echo "stage.sh: unknown service \"$service\"" >&2; exit 2 ;;
esac

case "$step" in
  build)
    # No daemon, no remote or local cache: an image build always compiles what is in the context.
    NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true \
      npx nx run "$service:build" --output-style=static
    ;;
  assemble)
    [ $# -eq 3 ] || usage
    out="$3"
    rm -rf "$out"
    SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register deploy/docker/runtime-files.ts \
      --service "$service" --dist "dist/apps/$service" --root . --out "$out" \
      --with-optional "${WITH_OPTIONAL:-}"
    ;;
  *) usage ;;
esac
