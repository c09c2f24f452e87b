#!/usr/bin/env bash
# Starts a private single-node OpenStack Swift with its S3 API (s3api + tempauth) on 127.0.0.1 for the
# ExternalBackup S3 sink tests. Everything lives under DIR; nothing under /etc is read or changed.
#
# Usage: tests/s3/start-swift.sh DIR
#   DIR/etc      configuration and rings        DIR/srv   object data (needs user xattrs)
#   DIR/log      one log per server              DIR/run   one pid file per process this script started
#   DIR/s3.env   S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION (also printed on stdout)
# Stop with tests/s3/stop-swift.sh DIR: it ends exactly the processes recorded in DIR/run.
# Installs the Debian packages when missing (apt-get, as root or through sudo).
# Environment: SWIFT_READY_TIMEOUT (seconds, default 60).
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
DIR="$(cd "$1" && pwd)"
ETC="$DIR/etc"; DEV="$DIR/srv/node"; LOG="$DIR/log"; RUN="$DIR/run"
PY=/usr/bin/python3          # Debian's interpreter, the one python3-swift is installed for
USER_NAME="$(id -un)"
READY_TIMEOUT="${SWIFT_READY_TIMEOUT:-60}"
say() { echo "[s3-tests] $*" >&2; }

# ---- packages
PACKAGES=(swift swift-proxy swift-account swift-container swift-object python3-swift memcached curl)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if (( ${#missing[@]} )); then
  SUDO=""; [[ $(id -u) != 0 ]] && SUDO="sudo"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_install() { $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}" >>"$DIR/apt.log" 2>&1; }
  if ! apt_install; then
    $SUDO apt-get -o DPkg::Lock::Timeout=300 update -q >>"$DIR/apt.log" 2>&1 || true
    apt_install || { say "apt-get install failed:"; tail -20 "$DIR/apt.log" >&2; exit 1; }
  fi
fi

# ---- refuse to start twice from the same DIR
for f in "$RUN"/*.pid; do
  [[ -e "$f" ]] || continue
  if kill -0 "$(cat "$f")" 2>/dev/null; then say "already running from $DIR ($f)"; exit 1; fi
done
rm -rf "$RUN"; mkdir -p "$ETC" "$DEV/d1" "$LOG" "$RUN" "$DIR/cache"

"$PY" - "$DEV/d1" <<'EOF' || { say "no user xattr support under $DEV (Swift stores metadata in xattrs)"; exit 1; }
import os, sys, tempfile
with tempfile.NamedTemporaryFile(dir=sys.argv[1]) as f:
    os.setxattr(f.name, "user.eb.probe", b"1")
EOF

# ---- five free loopback ports: proxy (the S3 endpoint), account, container, object, memcached
read -r P_PROXY P_ACCOUNT P_CONTAINER P_OBJECT P_CACHE < <("$PY" -c '
import socket
s = [socket.socket() for _ in range(5)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')

# ---- configuration
SALT=$("$PY" -c 'import secrets; print(secrets.token_hex(8))')
printf '[swift-hash]\nswift_hash_path_suffix = %s\nswift_hash_path_prefix = %s\n\n[storage-policy:0]\nname = Policy-0\ndefault = yes\n\n[swift-constraints]\n' \
  "$SALT" "$SALT" >"$ETC/swift.conf"

server_defaults() {  # port, log name
  printf '[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = %s\nworkers = 0\nuser = %s\nswift_dir = %s\ndevices = %s\nmount_check = false\nlog_name = %s\nlog_level = INFO\n\n' \
    "$1" "$USER_NAME" "$ETC" "$DEV" "$2"
}
for kind in account container object; do
  case $kind in account) port=$P_ACCOUNT;; container) port=$P_CONTAINER;; object) port=$P_OBJECT;; esac
  { server_defaults "$port" "$kind-server"
    printf '[pipeline:main]\npipeline = healthcheck recon %s-server\n\n[app:%s-server]\nuse = egg:swift#%s\n\n' "$kind" "$kind" "$kind"
    printf '[filter:healthcheck]\nuse = egg:swift#healthcheck\n\n[filter:recon]\nuse = egg:swift#recon\nrecon_cache_path = %s\n' "$DIR/cache"
  } >"$ETC/$kind-server.conf"
done

{ server_defaults "$P_PROXY" proxy-server
  cat <<EOF
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
s3_acl = false
max_upload_part_num = 10000
max_parts_listing = 1000

[filter:tempauth]
use = egg:swift#tempauth
reseller_prefix = AUTH
user_test_tester = testing .admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$P_CACHE

[filter:slo]
use = egg:swift#slo
max_manifest_segments = 10000

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:copy]
use = egg:swift#copy
[filter:dlo]
use = egg:swift#dlo
EOF
} >"$ETC/proxy-server.conf"

# Swift reads /etc/swift/swift.conf unless told otherwise: this launcher points it at $ETC.
cat >"$ETC/launch.py" <<'EOF'
import sys
conf, section, swift_dir = sys.argv[1:4]
from swift.common import utils
utils.set_swift_dir(swift_dir)
from swift.common import storage_policy, constraints
storage_policy.reload_storage_policies()
constraints.reload_constraints()
from swift.common.wsgi import run_wsgi
sys.exit(run_wsgi(conf, section, verbose=True))
EOF

# ---- rings: one device, one replica, part power 8
"$PY" - "$ETC" "$P_ACCOUNT" "$P_CONTAINER" "$P_OBJECT" <<'EOF'
import os, sys
from swift.common.ring import RingBuilder
etc = sys.argv[1]
for kind, port in zip(("account", "container", "object"), map(int, sys.argv[2:5])):
    builder = RingBuilder(8, 1, 1)
    builder.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": port, "device": "d1",
                     "weight": 100, "meta": "", "replication_ip": "127.0.0.1", "replication_port": port})
    builder.rebalance()
    builder.get_ring().save(os.path.join(etc, kind + ".ring.gz"))
EOF

# ---- processes: each one's pid goes to DIR/run/<name>.pid (the stop script ends exactly these)
launch() {  # name, command...
  local name=$1; shift
  "$@" >"$LOG/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}
launch memcached /usr/bin/memcached -l 127.0.0.1 -p "$P_CACHE" -U 0 -m 64 -u "$USER_NAME" -P "$DIR/cache/memcached.pid"
for kind in account container object proxy; do
  launch "$kind-server" "$PY" "$ETC/launch.py" "$ETC/$kind-server.conf" "$kind-server" "$ETC"
done

fail() {
  say "$*"
  for f in "$LOG"/*.log; do echo "--- $f" >&2; tail -15 "$f" >&2; done
  "$(dirname "$0")/stop-swift.sh" "$DIR" >&2 || true
  exit 1
}
deadline=$(( $(date +%s) + READY_TIMEOUT ))
for port in $P_ACCOUNT $P_CONTAINER $P_OBJECT $P_PROXY; do
  until [[ "$(curl -s --max-time 2 "http://127.0.0.1:$port/healthcheck" || true)" == "OK" ]]; do
    for f in "$RUN"/*.pid; do kill -0 "$(cat "$f")" 2>/dev/null || fail "$(basename "$f" .pid) exited"; done
    (( $(date +%s) < deadline )) || fail "no answer on 127.0.0.1:$port after ${READY_TIMEOUT}s"
    sleep 0.2
  done
done
# tempauth needs memcached; the account HEAD needs the account server
until token=$(curl -sf --max-time 5 -D - -o /dev/null -H "X-Auth-User: test:tester" -H "X-Auth-Key: testing" \
                "http://127.0.0.1:$P_PROXY/auth/v1.0" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-auth-token"{print $2}') \
      && [[ -n "$token" ]] \
      && curl -sf --max-time 5 -o /dev/null -I -H "X-Auth-Token: $token" "http://127.0.0.1:$P_PROXY/v1/AUTH_test"; do
  (( $(date +%s) < deadline )) || fail "tempauth/account not ready after ${READY_TIMEOUT}s"
  sleep 0.2
done

cat >"$DIR/s3.env" <<EOF
S3_ENDPOINT=http://127.0.0.1:$P_PROXY
S3_ACCESS_KEY=test:tester
S3_SECRET_KEY=testing
S3_REGION=us-east-1
EOF
cat "$DIR/s3.env"
