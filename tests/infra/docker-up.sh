#!/usr/bin/env bash
# Install (Debian docker.io 20.10, Engine API 1.41) and start a throwaway Docker engine on a unix
# socket for the integration tests, and build a registry-free test image `local/busybox:1`.
# Also starts Debian's docker-registry (distribution 2.8) on 127.0.0.1:5000 holding
# 127.0.0.1:5000/wf/busybox:1 and 127.0.0.1:5000/wf/payload:1 (a layer the engine lacks), for the
# pull-with-progress tests (no outside registry here).
# The engine also listens with TLS on 127.0.0.1:2376 (`--tlsverify`, a throwaway CA in
# $ROOT/tls: ca.pem, client cert.pem + key.pem), for the https endpoint tests.
# Prints the socket path on stdout. Stop with tests/infra/docker-down.sh.
set -euo pipefail
ROOT=${WF_DOCKER_ROOT:-/tmp/wf-docker}   # short: unix socket paths max ~107 chars
SOCK=$ROOT/docker.sock
log() { echo "docker-up: $*" >&2; }
if ! command -v dockerd >/dev/null || [ ! -x /bin/busybox ] || ! command -v docker-registry >/dev/null \
   || ! command -v docker-compose >/dev/null; then
  log "installing docker.io, busybox-static, docker-registry and docker-compose (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends docker.io busybox-static docker-registry docker-compose >&2
fi
mkdir -p "$ROOT/data" "$ROOT/exec"
TLS=$ROOT/tls
if [ ! -s "$TLS/key.pem" ]; then
  log "making a throwaway CA, server and client certificates (EC P-256)"
  mkdir -p "$TLS"; chmod 700 "$TLS"
  ( cd "$TLS"
    gen() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }
    gen ca-key.pem
    openssl req -x509 -new -key ca-key.pem -sha256 -days 3650 -subj /CN=wf-test-ca -out ca.pem 2>/dev/null
    gen server-key.pem
    openssl req -new -key server-key.pem -subj /CN=127.0.0.1 -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 -sha256 \
      -extfile server.ext -out server-cert.pem 2>/dev/null
    gen key.pem.tmp
    openssl req -new -key key.pem.tmp -subj /CN=wf-client -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 -sha256 \
      -extfile client.ext -out cert.pem 2>/dev/null
    rm -f ./*.csr ./*.ext
    mv key.pem.tmp key.pem )
fi
if ! docker -H "unix://$SOCK" version >/dev/null 2>&1; then
  # A pid file left by an engine that was killed would stop dockerd from starting.
  if [ -f "$ROOT/docker.pid" ] && ! kill -0 "$(cat "$ROOT/docker.pid")" 2>/dev/null; then
    rm -f "$ROOT/docker.pid"
  fi
  for drv in overlay2 vfs; do
    log "starting dockerd (storage driver $drv)"
    setsid dockerd --host="unix://$SOCK" --host=tcp://127.0.0.1:2376 \
      --tlsverify --tlscacert="$TLS/ca.pem" --tlscert="$TLS/server-cert.pem" --tlskey="$TLS/server-key.pem" \
      --data-root="$ROOT/data" --exec-root="$ROOT/exec" \
      --pidfile="$ROOT/docker.pid" --storage-driver="$drv" \
      --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
      </dev/null >"$ROOT/dockerd.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do
      docker -H "unix://$SOCK" version >/dev/null 2>&1 && break 2
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    log "dockerd with $drv failed:"; tail -3 "$ROOT/dockerd.log" >&2
  done
  docker -H "unix://$SOCK" version >/dev/null 2>&1 || { log "no engine"; exit 1; }
fi
docker -H tcp://127.0.0.1:2376 --tlsverify --tlscacert="$TLS/ca.pem" --tlscert="$TLS/cert.pem" \
  --tlskey="$TLS/key.pem" version >/dev/null 2>&1 \
  || log "warning: no TLS listener on 127.0.0.1:2376 (engine started by an older docker-up.sh? run docker-down.sh)"
# A test image without any registry: static busybox imported as one layer.
if ! docker -H "unix://$SOCK" image inspect local/busybox:1 >/dev/null 2>&1; then
  rfs=$(mktemp -d); mkdir -p "$rfs/bin" "$rfs/tmp" "$rfs/etc"; cp /bin/busybox "$rfs/bin/"
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$rfs/bin/$a"; done
  tar -C "$rfs" -c . | docker -H "unix://$SOCK" import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - local/busybox:1 >&2
  rm -rf "$rfs"
fi
# Local registry on loopback only, with a pushed copy of the test image.
if ! curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1; then
  mkdir -p "$ROOT/registry"
  cat >"$ROOT/registry.yml" <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $ROOT/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
YML
  setsid docker-registry serve "$ROOT/registry.yml" </dev/null >"$ROOT/registry.log" 2>&1 &
  echo $! >"$ROOT/registry.pid"
  for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS http://127.0.0.1:5000/v2/ >/dev/null || { log "registry did not start"; tail -3 "$ROOT/registry.log" >&2; exit 1; }
fi
# An image whose layer the engine does not have (4 MiB of random data over busybox), so a pull
# downloads it with real per-layer progress.
if ! curl -fsS http://127.0.0.1:5000/v2/wf/payload/manifests/1 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' >/dev/null 2>&1; then
  rfs=$(mktemp -d); mkdir -p "$rfs/bin" "$rfs/data"; cp /bin/busybox "$rfs/bin/"
  head -c 4194304 /dev/urandom >"$rfs/data/blob"
  tar -C "$rfs" -c . | docker -H "unix://$SOCK" import -c 'CMD ["/bin/busybox", "sh"]' - 127.0.0.1:5000/wf/payload:1 >&2
  rm -rf "$rfs"
  docker -H "unix://$SOCK" push 127.0.0.1:5000/wf/payload:1 >/dev/null
fi
docker -H "unix://$SOCK" rmi 127.0.0.1:5000/wf/payload:1 >/dev/null 2>&1 || true
docker -H "unix://$SOCK" tag local/busybox:1 127.0.0.1:5000/wf/busybox:1 >&2
docker -H "unix://$SOCK" push 127.0.0.1:5000/wf/busybox:1 >/dev/null
docker -H "unix://$SOCK" rmi 127.0.0.1:5000/wf/busybox:1 >/dev/null
log "engine up: $(docker -H "unix://$SOCK" version --format '{{.Server.Version}} API {{.Server.APIVersion}}')"
echo "$SOCK"
