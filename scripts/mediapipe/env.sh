# shellcheck shell=bash
# scripts/mediapipe/env.sh - sourced (bash) by scripts/make-mediapipe-golden and
# scripts/make-mediapipe-pose-golden: checks node/npm, installs Debian's chromium if it is
# missing, and installs the npm packages pinned in scripts/mediapipe/package{,-lock}.json into
# the cache directory. The caller defines die() and say() and sets ROOT. Sets MP_JS, CHROMIUM,
# CACHE and exports ARV_CHROMIUM.
#   mp_setup FILE...   FILE: paths under the cache's node_modules that must exist

mp_setup() {
  MP_JS="$ROOT/scripts/mediapipe"
  CHROMIUM="${ARV_CHROMIUM:-/usr/bin/chromium}"

  command -v node >/dev/null 2>&1 || die "node not found (Debian: apt-get install nodejs npm)"
  command -v npm >/dev/null 2>&1 || die "npm not found (Debian: apt-get install npm)"
  node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
    || die "node >= 20 needed (playwright-core 1.65), found $(node --version)"

  # --- Chromium from Debian, only if missing -----------------------------------------
  if [[ ! -x "$CHROMIUM" ]]; then
    [[ -z "${ARV_CHROMIUM:-}" ]] || die "ARV_CHROMIUM=$ARV_CHROMIUM is not an executable"
    command -v apt-get >/dev/null 2>&1 || die "$CHROMIUM missing and no apt-get to install it"
    local SUDO
    if [[ "$(id -u)" == 0 ]]; then
      SUDO=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true </dev/null 2>/dev/null; then
      SUDO=(sudo -n)
    else
      die "$CHROMIUM missing; install it as root: apt-get install chromium"
    fi
    say "installing Debian package chromium"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null \
      || die "apt-get update failed"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium </dev/null \
      || die "apt-get install chromium failed"
    [[ -x "$CHROMIUM" ]] || die "chromium installed but $CHROMIUM is still missing"
  fi

  # --- pinned npm packages in the cache -----------------------------------------------
  if [[ -z "${ARV_MP_CACHE:-}" ]]; then
    [[ -n "${HOME:-}" ]] || die "neither ARV_MP_CACHE nor HOME is set"
    ARV_MP_CACHE="$HOME/.cache/arv-mediapipe"
  fi
  CACHE="$ARV_MP_CACHE"
  mkdir -p "$CACHE" || die "cannot create cache directory $CACHE"
  local stamp="$CACHE/.arv-mediapipe-lock.sha256" want have missing=0 f
  want=$(cat "$MP_JS/package.json" "$MP_JS/package-lock.json" | sha256sum | cut -d' ' -f1)
  have=$(cat "$stamp" 2>/dev/null || true)
  for f in playwright-core/package.json "$@"; do
    [[ -f "$CACHE/node_modules/$f" ]] || missing=1
  done
  if [[ "$want" != "$have" || "$missing" == 1 ]]; then
    say "installing npm packages into $CACHE"
    rm -f "$stamp"
    cp "$MP_JS/package.json" "$MP_JS/package-lock.json" "$CACHE/"
    # npm ci installs exactly the lockfile; --ignore-scripts: nothing runs at install time
    # (playwright-core has no browser download of its own anyway).
    (cd "$CACHE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts \
        --loglevel=error </dev/null) \
      || die "npm ci failed in $CACHE (is the npm registry reachable?)"
    echo "$want" > "$stamp"
  fi
  export ARV_CHROMIUM="$CHROMIUM"
}
