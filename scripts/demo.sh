#!/usr/bin/env bash
# The king demo: boots (once) a pier from the echo kernel in DIR/echo and
# runs it.
#
# Usage: scripts/demo.sh DIR      (make demo uses DIR=.demo)
#
# When stdin is a terminal, the pier runs attached to it (`king run`):
# each key typed is a %belt event, committed to the event log, computed by
# the serf, and echoed back by the kernel's %blit effects; return prints
# the line. ^D shuts the pier down (^C is sent to the kernel).
#
# Otherwise (CI, a pipe), the typing is scripted and the demo finishes by
# itself: it injects one %belt event per character of $DEMO_TEXT (default
# "hello") and a %ret, as the terminal driver would (PROTOCOL.md §6), with
# `king run --exit`, which shuts the pier down once every event is
# committed. The echo kernel's effects (terminal blits) are logged as
# "effects released" lines with the text they draw; the events are then
# shown from the log with `king log show`.
# Run it again: the pier is kept and continues from its snapshot.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
dir=$(cd "$1" && pwd)
king="$root/bin/king"
pier="$dir/echo"
text=${DEMO_TEXT:-hello}

echo "== building $king"
(cd "$root" && go build -o "$king" ./cmd/king)

if [ ! -e "$pier/.urb/log/data.db" ]; then
  echo "== creating the demo pier $pier from testdata/kernels/echo.pill"
  "$king" new "$pier" --pill "$root/testdata/kernels/echo.pill" --log-level warn
else
  echo "== using the existing demo pier $pier"
fi
"$king" info "$pier"

if [ -t 0 ] && [ -t 1 ]; then
  echo
  echo "== running the pier in this terminal: type, and each key goes through the event log and the serf and back; press ^D to leave"
  exec "$king" run "$pier" --log-level warn
fi

# The events: [[%d %term '1' ~] [%belt belt]] for each character, then a
# return. Each is an ovum [wire card]; the file holds the jam of their list.
wire="[%d %term '1' ~]"
ova=""
for ((i = 0; i < ${#text}; i++)); do
  code=$(printf '%d' "'${text:i:1}")
  ova="$ova [$wire [%belt [%txt ~[$code]]]]"
done
ova="$ova [$wire [%belt [%ret ~]]]"
list="~[$ova]"
inject="$dir/typing.jam"
hex=$("$king" noun jam "$list")
# `king noun jam` prints the jam's bytes in order as hex; write them raw.
printf '%b' "$(printf '%s' "$hex" | sed 's/../\\x&/g')" >"$inject"

before=$("$king" info --json "$pier" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
echo
echo "== running the pier, typing \"$text\" and return (${#text} + 1 events), then exiting"
"$king" run "$pier" --inject-list "$inject" --exit
echo
echo "== the events just logged (king log show --from $((before + 1)))"
"$king" log show "$pier" --from $((before + 1))
echo
echo "== the pier now"
"$king" info "$pier"
"$king" log verify "$pier"
echo
echo "== replaying the whole log into a fresh serf (king replay)"
"$king" replay "$pier" --log-level warn
