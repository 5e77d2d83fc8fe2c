#!/usr/bin/env bash
# Installs what the test tiers need beyond npm, offline apart from npm and Debian apt: Debian's chromium (the
# webview and HTML report tests, and the real VS Code's workbench), ripgrep and libkrb5-dev (code-server's install),
# neovim (the editor configuration test), prometheus and promtool (the calibrate tests), and code-server 4.100.3
# (VS Code 1.100.3, the last release that runs on Node 20) into .vscode-test/. Idempotent: a second run only
# checks. `npm test` runs it first.
# Why code-server works offline: test/vscode/README.md.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
# The @vscode/ripgrep bundled by code-server 4.100.3, and the ripgrep build its postinstall wants.
VSCODE_RIPGREP_VERSION=1.15.11
RIPGREP_PREBUILT_TAG=v13.0.0-10

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
install_dir="$root/.vscode-test/code-server-$CODE_SERVER_VERSION"
marker="$install_dir/.install-complete"
started=$SECONDS

log() { printf '[install-test-tools] %s\n' "$*"; }

# --- Debian packages -----------------------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
# The kerberos native module includes gssapi.h.
dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'install ok installed' || missing+=(libkrb5-dev)
# node-gyp builds kerberos and node-pty; present on the project's images, but a bare one lacks them.
command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || missing+=(build-essential)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
# stagegate trace --database is tested against Debian's PostgreSQL server (its initdb and postgres, no service needed).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# `stagegate calibrate`'s tests backfill a history with promtool and query a real Prometheus (both in this package).
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)

if ((${#missing[@]})); then
  log "apt-get installing: ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo -n); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q </dev/null
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
  log "apt-get done after $((SECONDS - started))s"
else
  log "Debian packages already present (chromium, ripgrep, libkrb5-dev, neovim, prometheus)"
fi

# --- squawk ----------------------------------------------------------------------------------
# squawk-cli, the peer migration linter the squawk agreement test and bench/squawk.bench.mjs run. Not a dev
# dependency: its package lists one binary package per platform as optional dependencies, a lock file written on
# one platform lacks the others' entries, and `npm ci` then refuses the lock. Installed on its own instead, into
# .vscode-test/squawk (npm fetches only this platform's binary).
SQUAWK_VERSION=2.66.0
squawk_dir="$root/.vscode-test/squawk"
if [[ -x "$squawk_dir/node_modules/.bin/squawk" ]] &&
  grep -q "\"version\": \"$SQUAWK_VERSION\"" "$squawk_dir/node_modules/squawk-cli/package.json" 2>/dev/null; then
  log "squawk-cli $SQUAWK_VERSION already installed in ${squawk_dir#"$root"/}"
else
  log "npm installing squawk-cli $SQUAWK_VERSION into ${squawk_dir#"$root"/}"
  mkdir -p "$squawk_dir"
  printf '{ "private": true }\n' >"$squawk_dir/package.json"
  npm install --prefix "$squawk_dir" --no-audit --no-fund --loglevel=error "squawk-cli@$SQUAWK_VERSION" </dev/null
  "$squawk_dir/node_modules/.bin/squawk" --version
fi

# --- code-server -------------------------------------------------------------------------
if [[ -f "$marker" && -x "$install_dir/node_modules/.bin/code-server" ]]; then
  log "code-server $CODE_SERVER_VERSION already installed in ${install_dir#"$root"/} ($((SECONDS - started))s)"
  exit 0
fi

case "$(uname -m)" in
  x86_64) rg_target=x86_64-unknown-linux-musl ;;
  aarch64 | arm64) rg_target=aarch64-unknown-linux-gnu ;;
  *) log "unsupported architecture $(uname -m)"; exit 1 ;;
esac

# @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache already holds the
# archive; a tarball with Debian's rg at its root keeps it offline.
tmp_root="${TMPDIR:-/tmp}"
rg_cache="$tmp_root/vscode-ripgrep-cache-$VSCODE_RIPGREP_VERSION"
rg_archive="$rg_cache/ripgrep-$RIPGREP_PREBUILT_TAG-$rg_target.tar.gz"
if [[ ! -s "$rg_archive" ]]; then
  mkdir -p "$rg_cache"
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$rg_archive.partial" -C "$staging" rg
  mv "$rg_archive.partial" "$rg_archive"
  rm -rf "$staging"
  log "seeded ripgrep cache $rg_archive"
fi

log "npm installing code-server@$CODE_SERVER_VERSION into ${install_dir#"$root"/}"
rm -rf "$install_dir"
mkdir -p "$install_dir"
# A package.json of its own so npm installs here and never walks up into the project.
cat >"$install_dir/package.json" <<EOF
{ "name": "stagegate-code-server", "private": true, "description": "code-server for Stagegate's real VS Code tests; see scripts/install-test-tools.sh" }
EOF
npm_started=$SECONDS
(
  cd "$install_dir"
  # unsafe_perm: code-server's postinstall refuses to run as root otherwise.
  # yes: node-pty's postinstall runs `npx node-gyp`, which would wait for a yes on stdin.
  npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --no-package-lock --loglevel=warn \
    "code-server@$CODE_SERVER_VERSION" </dev/null
)
# A complete install has its postinstall's work in place: VS Code's own modules, built natively.
cs="$install_dir/node_modules/code-server"
for needed in lib/vscode/node_modules/@vscode/ripgrep/bin/rg lib/vscode/node_modules/node-pty/build/Release/pty.node \
  lib/vscode/node_modules/kerberos/build/Release/kerberos.node lib/vscode/node_modules.asar; do
  [[ -e "$cs/$needed" ]] || { log "incomplete install: missing $needed"; exit 1; }
done
log "installed code-server $(node -p "require('$cs/package.json').version")"
touch "$marker"
log "npm install took $((SECONDS - npm_started))s; total $((SECONDS - started))s"
