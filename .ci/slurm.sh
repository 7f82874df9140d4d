#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the sweep tests (Debian's slurm-wlm 22.05 and munge).
#   .ci/slurm.sh start DIR   install if needed, write DIR/slurm.conf, start munged, slurmctld and slurmd;
#                            prints the SLURM_CONF to export; DIR/env holds it too
#   .ci/slurm.sh stop DIR    stop the daemons by the pids they wrote in DIR
# Settings that work in a sandbox without cgroups: proctrack/linuxproc, task/none, select/cons_tres.
set -euo pipefail
action=${1:?start or stop}
dir=$(realpath -m "${2:?a folder for state, spool, logs and pids}")

stop() {
  for name in slurmd slurmctld munged; do
    if [ -f "$dir/$name.pid" ]; then
      kill "$(cat "$dir/$name.pid")" 2>/dev/null || true
      rm -f "$dir/$name.pid"
    fi
  done
}

if [ "$action" = stop ]; then stop; exit 0; fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
mkdir -p "$dir"/{state,spool,munge,log}
chmod 700 "$dir/munge"
key="$dir/munge/munge.key"
[ -f "$key" ] || { dd if=/dev/urandom bs=1 count=1024 of="$key" status=none; chmod 400 "$key"; }
munged --key-file="$key" --socket="$dir/munge/munge.socket" --pid-file="$dir/munged.pid" \
  --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed" --force
host=$(hostname -s)
cpus=$(getconf _NPROCESSORS_ONLN)  # not nproc: it honours OMP_NUM_THREADS, which Dask sets to 1
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
cat > "$dir/slurm.conf" <<CONF
ClusterName=simsim
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
SlurmctldPort=${SIMSIM_SLURMCTLD_PORT:-16817}
SlurmdPort=${SIMSIM_SLURMD_PORT:-16818}
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
echo "export SLURM_CONF=$SLURM_CONF" > "$dir/env"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
  if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    echo "SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 1
done
echo "slurm did not come up; logs in $dir/log" >&2
stop
exit 1
