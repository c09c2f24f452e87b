#!/usr/bin/env bash
# Ends exactly the processes tests/s3/start-swift.sh DIR started (DIR/run/*.pid), each only if its command
# line still names DIR (a recycled pid is left alone). Usage: tests/s3/stop-swift.sh DIR [--purge]
set -uo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 DIR [--purge]" >&2; exit 2; }
[[ -d "$1/run" ]] || exit 0
DIR="$(cd "$1" && pwd)"
stopped=()
for f in "$DIR"/run/*.pid; do
  [[ -e "$f" ]] || continue
  pid=$(cat "$f")
  if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$DIR/"; then
    kill -TERM "$pid" 2>/dev/null && stopped+=("$pid")
  fi
  rm -f "$f"
done
for _ in $(seq 50); do
  alive=0
  for pid in "${stopped[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  (( alive )) || break
  sleep 0.1
done
for pid in "${stopped[@]}"; do kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null; done
[[ "${2:-}" == "--purge" ]] && rm -rf "$DIR"
exit 0
