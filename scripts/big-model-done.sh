#!/usr/bin/env bash
# big-model-done.sh - leave big model mode: hearth back to the default tier (set_model), the big
# model unloaded where the backend can, and every app free-ram.sh closed reopened (macOS open -a;
# Linux: its command line, as it was, started again in its directory). Env as big-model.sh.
set -eu

usage() {
  echo "usage: big-model-done.sh [--tier TIER] [--dry-run]    (TIER default default)"
}

dry=0 tier=default
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) dry=1 ;;
    --tier) [ $# -ge 2 ] || { usage >&2; exit 2; }; tier=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "big-model-done.sh: unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

home=${HEARTH_HOME:-$HOME/.hearth}
jar=${HEARTH_JAR:-$home/hearth.jar}
java=${HEARTH_JAVA:-java}
closed=$home/big-model-closed
os=$(uname -s)
status=0

hearth() {
  if [ "$dry" = 1 ]; then echo "would run: hearth $*"; return 0; fi
  case $jar in
    *.jar) "$java" -jar "$jar" "$@" ;;
    *) "$jar" "$@" ;;
  esac
}

echo "Switching hearth to the '$tier' tier:"
hearth call set_model "model_name=$tier" || { echo "big-model-done.sh: set_model failed (above)" >&2; status=1; }
if [ -f "$home/big-model-active" ]; then
  big=$(cat "$home/big-model-active")
  echo "Unloading '$big':"
  hearth call unload_model "model=$big" || echo "  (left loaded; the backend frees it on its own schedule)"
  [ "$dry" = 1 ] || rm -f "$home/big-model-active"
fi

reopen() {
  local dir=$1 name
  name=$(cat "$dir/name")
  if [ "$dry" = 1 ]; then echo "  $name: would reopen"; return; fi
  case $os in
    Darwin)
      open -a "$name" || { echo "  $name: could not reopen (is it still installed?)" >&2; return 1; } ;;
    *)
      if [ ! -s "$dir/cmdline" ]; then echo "  $name: its command line was not recorded; start it yourself" >&2; return 1; fi
      local argv cwd
      mapfile -d '' -t argv < "$dir/cmdline"
      cwd=$(cat "$dir/cwd" 2>/dev/null || true)
      ( cd "${cwd:-$HOME}" 2>/dev/null || cd "$HOME"
        if command -v setsid >/dev/null; then setsid "${argv[@]}" </dev/null >/dev/null 2>&1 &
        else nohup "${argv[@]}" </dev/null >/dev/null 2>&1 & fi ) ;;
  esac
  echo "  $name: reopened"
  rm -rf "$dir"
}

if [ -d "$closed" ] && [ -n "$(ls -A "$closed")" ]; then
  echo "Reopening the apps free-ram.sh closed:"
  for dir in "$closed"/*/; do
    [ -f "$dir/name" ] || continue
    reopen "${dir%/}" || status=1
  done
else
  echo "No apps to reopen."
fi
[ "$status" = 0 ] && echo "Normal mode is back."
exit "$status"
