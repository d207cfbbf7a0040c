#!/usr/bin/env bash
# Builds the recsys images with Docker (BuildKit) from deploy/docker/Dockerfile, tagged the way the Helm
# chart expects them: <registry>/<service>:<tag> (chart value image.repositoryBase = <registry>).
#   deploy/docker/build-images.sh                         all images, tag from `git describe`
#   deploy/docker/build-images.sh --push --registry registry.example.com/recsys --tag 0.1.0 collector cli
#   WITH_OPTIONAL=@tensorflow/tfjs-node deploy/docker/build-images.sh trainer scorer   # native TensorFlow
# Without Docker, deploy/docker/test/image.int-spec.ts runs the same build steps and starts the services.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

registry="ghcr.io/recsys" tag="" push=false services=()
while [ $# -gt 0 ]; do
  case "$1" in
    --registry) registry="${2:?--registry needs a value}"; shift 2 ;;
    --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
    --push) push=true; shift ;;
    -h | --help) sed -n '2,8p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) services+=("$1"); shift ;;
  esac
done
[ ${#services[@]} -gt 0 ] || services=(collector preprocessor trainer scorer console cli)
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
[ -n "$tag" ] || tag="$(git describe --tags --always --dirty 2>/dev/null || node -p 'require("./package.json").version')"

for service in "${services[@]}"; do
  target=service
  [ "$service" = cli ] && target=cli
  image="$registry/$service:$tag"
  echo "building $image (target $target)" >&2
  DOCKER_BUILDKIT=1 docker build -f deploy/docker/Dockerfile --target "$target" \
    --build-arg SERVICE="$service" --build-arg VERSION="$tag" --build-arg REVISION="$revision" \
    --build-arg WITH_OPTIONAL="${WITH_OPTIONAL:-}" -t "$image" .
  if [ "$push" = true ]; then docker push "$image"; fi
done
