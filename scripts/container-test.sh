#!/usr/bin/env bash
# The container image, where a container engine runs: builds the Dockerfile, starts the image with a
# volume on /data, waits for its HEALTHCHECK (/health/ready) to report healthy, asks /simple/, and removes
# it all. Where no engine runs it prints one line saying so and succeeds: the published program is what
# the test suite runs instead (tests/Cheeseshop.Tests/Deploy).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
    echo "==> container image: not built, no container engine runs on this machine (the published program is tested instead)"
    exit 0
fi

TAG="cheeseshop-test:$$"
NAME="cheeseshop-test-$$"
VOLUME="cheeseshop-test-data-$$"
cleanup() {
    docker rm -f "$NAME" >/dev/null 2>&1
    docker volume rm "$VOLUME" >/dev/null 2>&1
    docker image rm "$TAG" >/dev/null 2>&1
}
trap cleanup EXIT

echo "==> container image: docker build"
docker build -q -t "$TAG" "$ROOT" >/dev/null || { echo "error: docker build failed" >&2; exit 1; }
docker run -d --name "$NAME" -v "$VOLUME:/data" -p 127.0.0.1::8000 "$TAG" >/dev/null \
    || { echo "error: docker run failed" >&2; exit 1; }
[ "$(docker exec "$NAME" id -u)" != "0" ] || { echo "error: the container runs as root" >&2; exit 1; }
for _ in $(seq 1 60); do
    status="$(docker inspect -f '{{.State.Health.Status}}' "$NAME" 2>/dev/null)"
    [ "$status" = "healthy" ] && break
    sleep 2
done
if [ "$status" != "healthy" ]; then
    docker logs "$NAME" 2>&1 | tail -n 30 >&2
    echo "error: the container did not become healthy (last: $status)" >&2
    exit 1
fi
port="$(docker port "$NAME" 8000 | head -n 1 | sed 's/.*://')"
curl -fsS "http://127.0.0.1:$port/simple/" >/dev/null || { echo "error: /simple/ of the container failed" >&2; exit 1; }
echo "==> container image: built, ran as a non-root user, healthy, served /simple/"
