# scenario: helper for guests: satori-top's screen driven in tmux
# Part of a scenario: satori-top's interactive screen in a real terminal
# (tmux), driven by keys. Records top_screen_* results and the captured
# panes as out/top-screen-*.txt.
step satori-top-screen
export TERM=xterm-256color
tmux kill-server 2>/dev/null
tmux new-session -d -s top -x 132 -y 30 "/usr/sbin/satori-top -d 1" ||
	fail "tmux cannot start satori-top"
# capture NAME: the pane as it is now, into out/top-screen-NAME.txt.
capture() { tmux capture-pane -p -t top >"$OUT/top-screen-$1.txt" 2>/dev/null; }
sleep 4
capture first
grep -q 'Satori: shared frames' "$OUT/top-screen-first.txt" &&
	grep -q 'SHARED' "$OUT/top-screen-first.txt" &&
	grep -Eq '^ +[0-9]+ g1 ' "$OUT/top-screen-first.txt"
result top_screen_draws $((! $?))
grep -q 'sort: shared' "$OUT/top-screen-first.txt"
result top_screen_default_sort $((! $?))
tmux send-keys -t top '>'
sleep 2
capture sorted
grep -q 'sort: entitled_bytes' "$OUT/top-screen-sorted.txt"
result top_screen_sorts $((! $?))
tmux send-keys -t top 'r'
sleep 2
capture reversed
grep -q 'sort: entitled_bytes (reversed)' "$OUT/top-screen-reversed.txt"
result top_screen_reverses $((! $?))
# A terminal far too small for the table: still draws, no crash.
tmux resize-window -t top -x 40 -y 8 2>/dev/null
sleep 2
capture small
tmux has-session -t top 2>/dev/null && grep -q 'Satori' "$OUT/top-screen-small.txt"
result top_screen_small_ok $((! $?))
tmux resize-window -t top -x 132 -y 30 2>/dev/null
tmux send-keys -t top 'q'
sleep 2
tmux has-session -t top 2>/dev/null
result top_screen_quits $?
tmux kill-server 2>/dev/null
cat "$OUT/top-screen-first.txt"
