#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the tests of `rethink reproduce --executor slurm`:
# Debian's slurm-wlm and munge, a slurm.conf for localhost (no cgroups: proctrack/linuxproc,
# task/none; no accounting database: finished jobs stay visible to scontrol for an hour; the builtin
# scheduler with no batch delay, so that an array's next task starts as soon as a CPU is free), then
# munged, slurmctld and slurmd. Idempotent: what is installed is not installed again, daemons that
# answer are not restarted. Exit 0 when a job ran on the cluster, 1 (with the reason) when not.
# .ci/run exports RETHINK_REQUIRE_SLURM=1 only after this succeeded.
set -uo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
say() { echo "ci/slurm: $*" >&2; }
fail() { say "$*"; exit 1; }

# 1. Packages (with retries, as for Mesa in .ci/run).
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  command -v apt-get >/dev/null || fail "apt-get is not available: install slurm-wlm and munge by hand"
  for attempt in 1 2 3; do
    if $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null; then break; fi
    say "apt attempt $attempt for slurm-wlm and munge failed"
    sleep 5
  done
  command -v slurmctld >/dev/null && command -v munged >/dev/null || fail "slurm-wlm or munge could not be installed"
fi

HOST="$(hostname -s)"
CONF=/etc/slurm/slurm.conf
MARK="# written by rethink .ci/slurm.sh"

# 2. munge: a key, its run directory, the daemon.
munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
if ! munge_ok; then
  $SUDO mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
  if [ ! -s /etc/munge/munge.key ]; then
    if command -v mungekey >/dev/null; then $SUDO mungekey --create --keyfile=/etc/munge/munge.key --force >/dev/null 2>&1 || true; fi
    [ -s /etc/munge/munge.key ] || $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  $SUDO chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
  $SUDO chmod 0700 /etc/munge /var/lib/munge /var/log/munge
  $SUDO chmod 0755 /run/munge
  $SUDO chmod 0400 /etc/munge/munge.key
  $SUDO runuser -u munge -- /usr/sbin/munged || say "munged did not start"
  for _ in $(seq 1 20); do munge_ok && break; sleep 0.5; done
  munge_ok || fail "munged does not answer (munge -n | unmunge fails); see /var/log/munge/munged.log"
fi

# 3. slurm.conf for this one node (a configuration written by someone else is left alone).
if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
  say "$CONF was not written by this script: using it as it is"
else
  NODE_LINE="$(slurmd -C 2>/dev/null | grep '^NodeName=' | sed -e "s/^NodeName=[^ ]*/NodeName=$HOST NodeAddr=127.0.0.1/")"
  [ -n "$NODE_LINE" ] || NODE_LINE="NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc)"
  NEW="$(cat <<EOF
$MARK
ClusterName=rethink-ci
SlurmctldHost=$HOST(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=3600
KillWait=10
MaxArraySize=10001
$NODE_LINE State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
)"
  $SUDO mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
  if [ "$(cat "$CONF" 2>/dev/null)" != "$NEW" ]; then
    printf '%s\n' "$NEW" | $SUDO tee "$CONF" >/dev/null
    # A changed configuration: daemons started with the old one (by this script: their pid files) stop.
    for d in slurmd slurmctld; do
      if [ -s "/run/$d.pid" ]; then $SUDO kill "$(cat "/run/$d.pid")" 2>/dev/null || true; fi
    done
    sleep 1
  fi
fi

# 4. slurmctld and slurmd.
ctld_ok() { scontrol ping 2>/dev/null | grep -q 'is UP'; }
if ! ctld_ok; then
  $SUDO slurmctld || say "slurmctld did not start"
  for _ in $(seq 1 30); do ctld_ok && break; sleep 0.5; done
  ctld_ok || fail "slurmctld does not answer (scontrol ping); see /var/log/slurm/slurmctld.log"
fi
node_state() { sinfo -h -N -n "$HOST" -o '%t' 2>/dev/null | head -1; }
if ! [ -s /run/slurmd.pid ] || ! $SUDO kill -0 "$(cat /run/slurmd.pid)" 2>/dev/null; then
  $SUDO slurmd || say "slurmd did not start"
fi
for _ in $(seq 1 40); do
  case "$(node_state)" in
    idle*|mix*|alloc*) break ;;
    down*|drain*|drng*) $SUDO scontrol update nodename="$HOST" state=resume 2>/dev/null || true ;;
  esac
  sleep 0.5
done
case "$(node_state)" in
  idle*|mix*|alloc*) ;;
  *) fail "node $HOST is '$(node_state)', not idle; see /var/log/slurm/slurmd.log" ;;
esac

# 5. A job runs.
out="$(timeout 60 srun -N1 -n1 -t 1 echo slurm-ok 2>&1)" || fail "a test job did not run: $out"
[ "$out" = "slurm-ok" ] || fail "a test job printed '$out', not slurm-ok"
say "one-node cluster up: partition $(sinfo -h -o '%P' | head -1), node $HOST ($(sinfo -h -N -o '%c' | head -1) CPUs)"
