#!/bin/bash
# check-knobs.sh: every Xen boot parameter (custom_param, integer_param,
# boolean_param, size_param, string_param in hv-hooks/) and every kernel
# module parameter (module_param, module_param_cb in guest/ and dom0/) is
# named in docs/knobs.md. Prints a FAIL line for each one that is not, or
# one PASS line; exit status 1 on any FAIL. make test runs it.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
names=$(
	grep -rhoE '\b(custom|integer|boolean|size|string)_param\("[a-z0-9_]+"' hv-hooks/ |
		sed -E 's/.*\("([a-z0-9_]+)"/\1/'
	grep -rhoE '\bmodule_param(_cb)?\([a-z0-9_]+' guest/ dom0/ |
		sed -E 's/.*\(//'
)
n=0 bad=0
for name in $(sort -u <<<"$names"); do
	n=$((n + 1))
	if ! grep -qF "\`$name\`" docs/knobs.md; then
		echo "FAIL knobs: docs/knobs.md does not document $name"
		bad=1
	fi
done
if [ $n -eq 0 ]; then
	echo "FAIL knobs: found no parameter in hv-hooks/, guest/ or dom0/"
	exit 1
fi
[ $bad -eq 0 ] && echo "PASS knobs: docs/knobs.md documents all $n Xen boot and kernel module parameters"
exit $bad
