# scenario: helper for bench, surplus: disks with a real device's latency
# Scenario helper: the storage model (bench/storage/classes.conf, copied to
# /host/lib; docs/performance.md, "The storage model"). dom0 loads the
# kernel's scsi_debug driver: RAM disks, each with its own store, whose
# every command completes after the driver's ndelay (an hrtimer). A class
# sets ndelay to its latency times the dilation D; "none" answers at once.
# A guest gets a model disk as xvdc (xvda is its disk, xvdb the workload).
# Sourced after boot.sh.

STORAGE_MODEL=/host/lib/classes.conf
SDEBUG=/sys/bus/pseudo/drivers/scsi_debug

# storage_param WORD [NAME]: the model's figure(s) for WORD ("dilation",
# "tolerance", or "class NAME": the latency in us and the bandwidth in
# MB/s). Fails when missing.
storage_param() {
	local v
	v=$(awk -v w="$1" -v n="${2:-}" '
		/^#/ { next }
		$1 == w && n == "" { $1 = ""; print; exit }
		$1 == w && $2 == n { $1 = ""; $2 = ""; print; exit }' "$STORAGE_MODEL" | xargs)
	[ -n "$v" ] || fail "storage model: no '$1${2:+ $2}' in $STORAGE_MODEL"
	echo "$v"
}

# storage_classes: the model's class names, in the file's order.
storage_classes() { awk '$1 == "class" { print $2 }' "$STORAGE_MODEL"; }

# storage_disks N MB: N model disks of MB MiB each, answering at once,
# each with a fresh ext4 file system of 4 KiB blocks (mke2fs picks 1 KiB
# below 512 MiB, and the volatile cache keeps whole pages read whole);
# their paths in STORAGE_DISKS.
storage_disks() {
	local d dl
	insmod /host/lib/scsi_debug.ko per_host_store=1 add_host="$1" \
		dev_size_mb="$2" delay=0 || fail "insmod scsi_debug failed"
	dl=$(deadline 60)
	while :; do
		STORAGE_DISKS=()
		for d in /sys/block/sd*; do
			grep -qs scsi_debug "$d/device/model" && STORAGE_DISKS+=("/dev/${d##*/}")
		done
		[ "${#STORAGE_DISKS[@]}" -ge "$1" ] && break
		past "$dl" && fail "scsi_debug made ${#STORAGE_DISKS[@]} of $1 disks"
		sleep 0.5
	done
	for d in "${STORAGE_DISKS[@]}"; do
		mkfs.ext4 -q -F -b 4096 "$d" || fail "mkfs.ext4 $d failed"
	done
}

# storage_class NAME: every model disk's commands complete after NAME's
# latency times D from now on ("none": at once). Records
# storage_NAME_ndelay_ns. ndelay cannot change while commands are queued
# (EBUSY): retried for 30 s.
storage_class() {
	local ns=0 file=delay dl
	if [ "$1" != none ]; then
		ns=$(awk -v us="$(storage_param class "$1" | cut -d' ' -f1)" -v d="$(storage_param dilation)" \
			'BEGIN { printf "%d", us * d * 1000 }')
		file=ndelay
	fi
	dl=$(deadline 30)
	until echo "$ns" 2>/dev/null >"$SDEBUG/$file"; do
		past "$dl" && fail "scsi_debug would not take $file=$ns"
		sleep 0.2
	done
	STORAGE_CLASS=$1
	result "storage_$1_ndelay_ns" "$ns"
}

# storage_attach G DISK: DISK becomes guest G's xvdc, writable; returns
# once G's blkfront has connected to it (state 4: the disk is added).
storage_attach() {
	local dl state=/local/domain/$(xl domid "$1")/device/vbd/51744/state # xvdc: 202:32
	xl block-attach "$1" "format=raw,vdev=xvdc,access=rw,target=$2" ||
		fail "xl block-attach $1 $2 failed"
	dl=$(deadline 60)
	until [ "$(xenstore-read "$state" 2>/dev/null)" = 4 ]; do
		past "$dl" && fail "$1's blkfront did not connect to its model disk $2"
		sleep 0.5
	done
}

# storage_probe WHERE DEV [G]: the latency COUNT 4 KiB direct reads of DEV
# get, in dom0 or (WHERE=guest) in guest G through blkfront and blkback.
# Records storage_<class>_WHERE_{mean,p50,p99,max}_us for the class last set
# (STORAGE_CLASS).
storage_probe() {
	local line k
	if [ "$1" = dom0 ]; then
		line=$(/host/bin/read_latency "$2" "${STORAGE_PROBE_READS:-200}") ||
			fail "read_latency $2 failed in dom0"
	else
		guest_command "$3" "latency $2 ${STORAGE_PROBE_READS:-200}" "SATORI-GUEST latency " 900
		line=$(grep "SATORI-GUEST latency " "$(console_log "$3")" | tail -n 1)
	fi
	echo "LAB storage class=$STORAGE_CLASS where=$1: $line"
	for k in mean_us p50_us p99_us max_us; do
		result "storage_${STORAGE_CLASS}_$1_$k" "$(sed -n "s/.* $k=\([0-9.]*\).*/\1/p" <<<"$line")"
	done
}
