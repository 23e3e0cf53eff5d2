#!/usr/bin/env bash
# C build dependencies of the server: libgit2 (vendored by the git2 crate) links OpenSSL for
# HTTPS and libssh2 for SSH remotes, found through pkg-config. Installs them when missing.
set -euo pipefail
if ! pkg-config --exists openssl 2>/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends libssl-dev pkg-config >&2
fi
