# A single-node Slurm cluster on loopback, for tests (sourced, not run).
#   start_local_slurm DIR: starts munged, slurmctld and slurmd with their
#     state, sockets and logs under DIR; exports SLURM_CONF. Returns 1 with
#     LOCAL_SLURM_WHY set when this machine cannot run one (no packages, not
#     root, a daemon that does not come up).
#   stop_local_slurm: stops them again.
LOCAL_SLURM_PIDS=()
LOCAL_SLURM_SOCKET_DIR=""

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_local_slurm() {
  local dir="$1" command
  for command in munged slurmctld slurmd slurmstepd sbatch squeue sinfo; do
    if ! command -v "$command" >/dev/null; then
      LOCAL_SLURM_WHY="$command is not installed (Debian packages slurm-wlm and munge)"
      return 1
    fi
  done
  if [[ "$(id -u)" != 0 ]]; then
    LOCAL_SLURM_WHY="slurmd has to run as root to start jobs, and this is uid $(id -u)"
    return 1
  fi
  mkdir -p "$dir/state" "$dir/munge"
  chmod 700 "$dir/munge"
  head -c 1024 /dev/urandom >"$dir/munge/munge.key"
  chmod 400 "$dir/munge/munge.key"
  # Socket paths have at most 108 bytes and a test's temporary directory is
  # longer: munged's and slurmd's spool (step sockets) live under /tmp.
  LOCAL_SLURM_SOCKET_DIR="$(mktemp -d /tmp/kdbench-slurm.XXXXXX)"
  chmod 755 "$LOCAL_SLURM_SOCKET_DIR"
  mkdir -p "$LOCAL_SLURM_SOCKET_DIR/spool"
  local socket="$LOCAL_SLURM_SOCKET_DIR/munge.socket"
  munged --force --key-file="$dir/munge/munge.key" --socket="$socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
    --seed-file="$dir/munge/munged.seed" || {
    LOCAL_SLURM_WHY="munged did not start: $(tail -3 "$dir/munge/munged.log" 2>/dev/null)"
    return 1
  }
  LOCAL_SLURM_PIDS+=("$(cat "$dir/munge/munged.pid")")
  local cpus
  cpus="$(nproc)"
  cat >"$dir/slurm.conf" <<CONF
ClusterName=kdbenchtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$LOCAL_SLURM_SOCKET_DIR/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -D -i -f "$SLURM_CONF" >"$dir/slurmctld.out" 2>&1 &
  LOCAL_SLURM_PIDS+=($!)
  slurmd -D -N localhost -f "$SLURM_CONF" >"$dir/slurmd.out" 2>&1 &
  LOCAL_SLURM_PIDS+=($!)
  local waited
  for waited in $(seq 1 60); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^idle'; then return 0; fi
    sleep 1
  done
  LOCAL_SLURM_WHY="the node did not become idle in 60 s; slurmctld: $(tail -3 "$dir/slurmctld.log" 2>/dev/null | tr '\n' ' '); slurmd: $(tail -3 "$dir/slurmd.log" 2>/dev/null | tr '\n' ' ')"
  stop_local_slurm
  return 1
}

stop_local_slurm() {
  local pid
  for pid in "${LOCAL_SLURM_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${LOCAL_SLURM_PIDS[@]}"; do
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  done
  LOCAL_SLURM_PIDS=()
  [[ -n "$LOCAL_SLURM_SOCKET_DIR" ]] && rm -rf "$LOCAL_SLURM_SOCKET_DIR"
  LOCAL_SLURM_SOCKET_DIR=""
}
