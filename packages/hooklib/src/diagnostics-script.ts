/**
 * The diagnostics a debug container prints about a job container whose PID and network
 * namespaces it shares (a Kubernetes ephemeral container with `targetContainerName`, or a Docker
 * container with `--pid container:<id> --network container:<id>`): the process tree with state
 * and memory, read from /proc because the job image may have no `ps`; the step's working
 * directory; disk use of the work folder; node memory; listening TCP ports. Plain POSIX sh plus
 * busybox-level tools (tr, cut, ls, df, du, and timeout when there). Its own processes are left
 * out: they are the ones in its own session.
 */

// Written with @{…} for the shell's ${…}, which a template literal would take for its own.
const SCRIPT = String.raw`dir=$1; work=$2
pstat() {
  { read -r line < "/proc/$1/stat"; } 2>/dev/null || return 1
  comm=@{line#*\(}; comm=@{comm%\)*}
  set -- @{line##*\) }
  st=$1; ppid=$2; sess=$4
}
pstat $$; own=$sess
procs=; pids=" "
for d in /proc/[0-9]*; do
  p=@{d#/proc/}
  pstat "$p" || continue
  [ "$sess" = "$own" ] && continue
  case $st in R) st=running;; S) st=sleeping;; D) st=disk-wait;; Z) st=zombie;; T) st=stopped;; t) st=traced;; I) st=idle;; *) st=$st;; esac
  rss=-
  { while read -r k v u; do [ "$k" = VmRSS: ] && { rss=$v; break; }; done < "$d/status"; } 2>/dev/null
  [ "$rss" = - ] || rss="@{rss}kB"
  cmd=$(tr '\0\n\t' '   ' < "$d/cmdline" 2>/dev/null | cut -c1-200)
  [ -n "$cmd" ] || cmd="[$comm]"
  procs="$procs$p $ppid $st $rss $cmd
"
  pids="$pids$p "
done
row() { printf '%7s %7s  %-9s %9s  %s%s\n' "$1" "$2" "$3" "$4" "$5" "$6"; }
tree() {
  printf '%s' "$procs" | while read -r p pp s r c; do
    [ "$pp" = "$1" ] || continue
    row "$p" "$pp" "$s" "$r" "$2\\_ " "$c"
    tree "$p" "$2   "
  done
}
echo "### Processes (from /proc; RSS = resident memory)"
row PID PPID STATE RSS "" COMMAND
printf '%s' "$procs" | while read -r p pp s r c; do
  case "$pids" in *" $pp "*) continue;; esac
  row "$p" "$pp" "$s" "$r" "" "$c"
  tree "$p" ""
done
[ -n "$procs" ] || echo "(no process of the job is visible)"
echo
echo "### Working directory of the step: $dir"
case "$dir" in "$work"|"$work"/*) view=$dir;; *) view=/proc/1/root$dir;; esac
if [ -d "$view" ]; then ls -la "$view" 2>&1 | head -n 100; else echo "(does not exist)"; fi
echo
echo "### Disk use of $work"
df -h "$work" 2>&1
t=; command -v timeout >/dev/null 2>&1 && t="timeout 5"
echo "largest entries (kB):"
$t du -sk "$work"/* "$work"/.[!.]* 2>/dev/null | sort -rn | head -n 15
echo
echo "### Memory of the node (/proc/meminfo)"
while read -r k v u; do
  case $k in MemTotal:|MemAvailable:|SwapTotal:|SwapFree:) echo "$k $v $u";; esac
done < /proc/meminfo
[ -r /proc/pressure/memory ] && { echo "pressure:"; cat /proc/pressure/memory; }
echo
echo "### Listening TCP ports (/proc/net/tcp, /proc/net/tcp6)"
ip4() {
  a=@{1%??????}; b=@{1#??}; b=@{b%????}; c=@{1#????}; c=@{c%??}; d=@{1#??????}
  printf '%d.%d.%d.%d' "0x$d" "0x$c" "0x$b" "0x$a"
}
ip6() {
  case $1 in
    00000000000000000000000000000000) printf '[::]';;
    00000000000000000000000001000000) printf '[::1]';;
    0000000000000000FFFF0000*) printf '[::ffff:%s]' "$(ip4 "@{1#0000000000000000FFFF0000}")";;
    *) printf '[%s]' "$1";;
  esac
}
listen=
for f in /proc/net/tcp /proc/net/tcp6; do
  [ -r "$f" ] || continue
  while read -r sl local remote st q t r uid to inode rest; do
    [ "$st" = 0A ] || continue
    a=@{local%:*}
    if [ "$f" = /proc/net/tcp ]; then a=$(ip4 "$a"); else a=$(ip6 "$a"); fi
    listen="$listen$a:$(printf '%d' "0x@{local##*:}") $inode
"
  done < "$f"
done
if [ -z "$listen" ]; then echo "(none)"; else
  owners=$(for p in $pids; do ls -l "/proc/$p/fd" 2>/dev/null | while read -r l; do
    case $l in *"socket:["*) i=@{l##*socket:\[}; echo "@{i%\]} $p";; esac; done; done)
  printf '%s' "$listen" | while read -r addr inode; do
    pid=$(printf '%s\n' "$owners" | while read -r i p; do [ "$i" = "$inode" ] && { echo "$p"; break; }; done)
    echo "$addr@{pid:+ (pid $pid)}"
  done
fi
`.replace(/@\{/g, '${')

export const DIAGNOSTICS_NAME = 'container-hooks-debug'

/**
 * The argv that prints the diagnostics. `workingDirectory` is the step's (a job-container
 * path); `workRoot` the work folder mounted at the same path in the debug container.
 */
export function diagnosticsCommand(workingDirectory: string, workRoot = '/__w'): string[] {
  return ['sh', '-c', SCRIPT, DIAGNOSTICS_NAME, workingDirectory, workRoot]
}
