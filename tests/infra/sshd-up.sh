#!/usr/bin/env bash
# Installs OpenSSH's server when missing (the Git-over-SSH test starts its own sshd on a
# loopback port with its own host key; nothing is enabled system-wide). Prints sshd's path.
set -euo pipefail
if [ ! -x /usr/sbin/sshd ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Never start services from package scripts here.
  made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends openssh-server >&2
  [ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
fi
mkdir -p /run/sshd
echo /usr/sbin/sshd
