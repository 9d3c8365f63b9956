#!/usr/bin/env bash
# big-model.sh - make room for hearth's big model and switch to it: free-ram.sh (closes only the
# apps in ~/.hearth/big-model-apps), then through hearth's own tools set_model TIER, load_model
# where the backend can, and quick_test. big-model-done.sh undoes it all.
# Env: HEARTH_HOME (~/.hearth), HEARTH_JAR (default $HEARTH_HOME/hearth.jar; a non-.jar is run as a command), HEARTH_JAVA (java).
set -eu

usage() {
  echo "usage: big-model.sh [--tier TIER] [--force] [--dry-run]    (TIER default quality)"
}

dry=0 tier=quality force=
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) dry=1 ;;
    --force) force=force=true ;;
    --tier) [ $# -ge 2 ] || { usage >&2; exit 2; }; tier=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "big-model.sh: unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

here=$(cd "$(dirname "$0")" && pwd)
home=${HEARTH_HOME:-$HOME/.hearth}
jar=${HEARTH_JAR:-$home/hearth.jar}
java=${HEARTH_JAVA:-java}

hearth() {
  if [ "$dry" = 1 ]; then echo "would run: hearth $*"; return 0; fi
  case $jar in
    *.jar) "$java" -jar "$jar" "$@" ;;
    *) "$jar" "$@" ;;
  esac
}

free_ram=$here/free-ram.sh
[ -x "$free_ram" ] || free_ram=$here/hearth-free-ram   # the name install --with-scripts gives it
if [ "$dry" = 1 ]; then "$free_ram" --dry-run; else "$free_ram"; fi

echo "Switching hearth to the '$tier' tier:"
# shellcheck disable=SC2086 # $force is one optional word
if ! hearth call set_model "model_name=$tier" $force; then
  echo "big-model.sh: set_model failed (above); run big-model-done.sh to reopen the closed apps" >&2
  exit 1
fi
[ "$dry" = 1 ] || printf '%s\n' "$tier" > "$home/big-model-active"
echo "Loading it:"
# shellcheck disable=SC2086 # the same --force passes the work-hours guard for the load too
hearth call load_model "model=$tier" $force || echo "  (not loaded now; the backend loads it on first use)"
echo "Quick test:"
hearth call quick_test test=code_review || {
  echo "big-model.sh: quick_test failed; a model that is still loading often does - try: hearth call quick_test" >&2
  exit 1
}
echo "Big model mode is on. When you are done: big-model-done.sh"
