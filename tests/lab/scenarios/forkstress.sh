# scenario: dom0 forks and checks many processes (a corrupted lab)
# Scenario: dom0 forks and execs many short processes in parallel and checks
# every answer (LAB_FORKS per worker, 4 workers). A lab that corrupts dom0's
# processes (as sharing pCPUs with PVH guests did under TCG) shows it here
# as wrong answers, segfaults or a hung worker.
step forkstress
t0=$(uptime_s)
forks=${LAB_FORKS:-300}
rm -f /tmp/forkstress.*
for j in 1 2 3 4; do
	timeout 300 bash -c '
		bad=0
		for i in $(seq 1 '"$forks"'); do
			x=$(dirname /a/b/c)
			[ "$x" = /a/b ] || bad=$((bad + 1))
		done
		echo $bad' >"/tmp/forkstress.$j" &
done
wait
bad=0
for j in 1 2 3 4; do
	n=$(cat "/tmp/forkstress.$j")
	[ -n "$n" ] || fail "forkstress worker $j hung or died"
	bad=$((bad + n))
done
segv=$(dmesg | grep -c segfault)
result forkstress_bad "$bad"
result forkstress_segfaults "$segv"
result forkstress_s "$(since "$t0")"
echo "LAB forkstress: $((4 * forks)) forks, $bad wrong answers, $segv segfaults, $(since "$t0") s"
