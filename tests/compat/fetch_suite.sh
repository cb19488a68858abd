#!/usr/bin/env bash
# Obtain the upstream Redis 7.0.15 test suite from Debian's `redis` source
# package (bookworm), without touching the system apt configuration.
#
# Idempotent: if the unpacked tree already contains tests/test_helper.tcl the
# download is skipped. Prints the path of the unpacked source tree on stdout
# (last line); all progress output goes to stderr.
#
# Env:
#   REXIS_COMPAT_DIR  work folder (default: <repo>/.compat)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${REXIS_COMPAT_DIR:-$REPO_ROOT/.compat}"
SRC_LINK="$WORK/redis-src"

log() { echo "fetch_suite: $*" >&2; }

if [[ -f "$SRC_LINK/tests/test_helper.tcl" ]]; then
  (cd "$SRC_LINK" && pwd -P)
  exit 0
fi

mkdir -p "$WORK"
APT_DIR="$WORK/apt"
mkdir -p "$APT_DIR/lists/partial" "$WORK/download"

# Derive the deb-src entry from the machine's Debian sources (mirror URL and
# suite). Fall back to deb.debian.org/bookworm.
MIRROR=""
SUITE=""
for f in /etc/apt/sources.list.d/*.sources; do
  [[ -f "$f" ]] || continue
  uri=$(awk -F': *' 'tolower($1)=="uris" {print $2; exit}' "$f" | awk '{print $1}')
  suites=$(awk -F': *' 'tolower($1)=="suites" {print $2; exit}' "$f")
  if [[ -n "$uri" && "$uri" == */debian && -z "$MIRROR" ]]; then
    MIRROR="$uri"
    SUITE="${suites%% *}"
  fi
done
if [[ -z "$MIRROR" ]]; then
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    line=$(grep -E '^deb +(\[[^]]*\] +)?[a-z]+://[^ ]+/debian +[a-z]+' "$f" | head -n1 || true)
    if [[ -n "$line" ]]; then
      line=$(echo "$line" | sed -E 's/\[[^]]*\] +//')
      MIRROR=$(echo "$line" | awk '{print $2}')
      SUITE=$(echo "$line" | awk '{print $3}')
      break
    fi
  done
fi
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SUITE="${SUITE:-bookworm}"

KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
SIGNED=""
[[ -f "$KEYRING" ]] && SIGNED="[signed-by=$KEYRING] "
SOURCES="$APT_DIR/sources.list"
echo "deb-src ${SIGNED}${MIRROR} ${SUITE} main" >"$SOURCES"
log "using private source list: $(cat "$SOURCES")"

APT_OPTS=(
  -o "Dir::Etc::SourceList=$SOURCES"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$APT_DIR/lists"
  -o "Dir::Cache=$APT_DIR/cache"
  -o "APT::Get::List-Cleanup=0"
)
mkdir -p "$APT_DIR/cache/archives/partial"

if ! command -v dpkg-source >/dev/null 2>&1; then
  log "installing dpkg-dev (for dpkg-source)"
  apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev >&2
fi

log "apt-get update (private lists)"
apt-get -q "${APT_OPTS[@]}" update >&2

log "apt-get source --download-only redis"
(cd "$WORK/download" && apt-get -q "${APT_OPTS[@]}" source --download-only redis >&2)

DSC=$(ls -1 "$WORK/download"/redis_*.dsc | sort | tail -n1)
if [[ -z "$DSC" ]]; then
  log "no redis .dsc downloaded"
  exit 1
fi
case "$(basename "$DSC")" in
redis_7.0.15-*) ;;
*) log "WARNING: expected redis 7.0.15, got $(basename "$DSC")" ;;
esac
log "unpacking $DSC"
rm -rf "$WORK/redis-unpacked"
if dpkg-source --no-check -x "$DSC" "$WORK/redis-unpacked" >&2; then
  :
else
  log "dpkg-source failed; falling back to tar of the orig tarball"
  ORIG=$(ls -1 "$WORK/download"/redis_*.orig.tar.* | head -n1)
  mkdir -p "$WORK/redis-unpacked"
  tar -xf "$ORIG" -C "$WORK/redis-unpacked" --strip-components=1
fi

if [[ ! -f "$WORK/redis-unpacked/tests/test_helper.tcl" ]]; then
  log "unpacked tree has no tests/test_helper.tcl"
  exit 1
fi
rm -f "$SRC_LINK"
ln -s "redis-unpacked" "$SRC_LINK"
(cd "$SRC_LINK" && pwd -P)
