#!/usr/bin/env bash
# free-ram.sh - quit the memory-heavy apps listed in $HEARTH_HOME/big-model-apps (default
# ~/.hearth), and only those, so a big local model fits. Each app closed is remembered under
# $HEARTH_HOME/big-model-closed/ for big-model-done.sh to reopen. macOS: the app is asked to quit
# (osascript). Linux: SIGTERM to this user's processes with exactly that name (pgrep -x).
set -eu

usage() {
  echo "usage: free-ram.sh [--dry-run]    (apps: \${HEARTH_HOME:-~/.hearth}/big-model-apps, one per line)"
}

dry=0
for arg in "$@"; do
  case $arg in
    --dry-run) dry=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "free-ram.sh: unknown option: $arg" >&2; usage >&2; exit 2 ;;
  esac
done

home=${HEARTH_HOME:-$HOME/.hearth}
list=$home/big-model-apps
closed=$home/big-model-closed
term_wait_tenths=100   # how long a SIGTERMed app gets to exit: 10 s
os=$(uname -s)

if [ ! -f "$list" ]; then
  echo "free-ram.sh: no app list at $list; nothing closed. List the apps that may be closed there, one per line."
  exit 0
fi

# One directory per closed app: 'name', and on Linux the 'cmdline' (NUL-separated) and 'cwd' to relaunch it.
record_dir() {
  printf '%s/%s' "$closed" "$(printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_')"
}

quit_mac() {
  local app=$1 running
  running=$(osascript -e 'on run argv' -e 'return application (item 1 of argv) is running' -e 'end run' "$app" 2>/dev/null || echo false)
  if [ "$running" != "true" ]; then echo "  $app: not running"; return; fi
  if [ "$dry" = 1 ]; then echo "  $app: would quit"; return; fi
  local dir
  dir=$(record_dir "$app")
  mkdir -p "$dir" && printf '%s\n' "$app" > "$dir/name"
  if osascript -e 'on run argv' -e 'tell application (item 1 of argv) to quit' -e 'end run' "$app" >/dev/null; then
    echo "  $app: quit"
  else
    echo "  $app: did not quit (unsaved work?)" >&2
  fi
}

quit_linux() {
  local app=$1 pids oldest dir
  pids=$(pgrep -u "$(id -u)" -x -- "$app" | tr "\n" " " | sed "s/ $//" || true)
  if [ -z "$pids" ]; then echo "  $app: not running"; return; fi
  if [ "$dry" = 1 ]; then echo "  $app: would send SIGTERM to $pids"; return; fi
  oldest=$(pgrep -o -u "$(id -u)" -x -- "$app" || true)
  dir=$(record_dir "$app")
  mkdir -p "$dir" && printf '%s\n' "$app" > "$dir/name"
  if [ -n "$oldest" ] && [ ! -f "$dir/cmdline" ]; then
    cp "/proc/$oldest/cmdline" "$dir/cmdline" 2>/dev/null || true
    readlink "/proc/$oldest/cwd" > "$dir/cwd" 2>/dev/null || true
  fi
  # shellcheck disable=SC2086 # one word per pid
  kill -TERM $pids 2>/dev/null || true
  local i=0
  while [ "$i" -lt "$term_wait_tenths" ] && pgrep -u "$(id -u)" -x -- "$app" >/dev/null; do
    sleep 0.1
    i=$((i + 1))
  done
  if pgrep -u "$(id -u)" -x -- "$app" >/dev/null; then
    echo "  $app: still running $((term_wait_tenths / 10)) s after SIGTERM; left alone" >&2
  else
    echo "  $app: closed"
  fi
}

echo "Closing the apps listed in $list$([ "$dry" = 1 ] && echo ' (dry run: nothing is closed)'):"
count=0
while IFS= read -r line || [ -n "$line" ]; do
  app=$(printf '%s' "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
  case $app in ''|'#'*) continue ;; esac
  count=$((count + 1))
  case $os in
    Darwin) quit_mac "$app" ;;
    Linux) quit_linux "$app" ;;
    *) echo "free-ram.sh: $os is not supported (macOS and Linux are)" >&2; exit 1 ;;
  esac
done < "$list"
[ "$count" -gt 0 ] || echo "  (the list names no apps)"
