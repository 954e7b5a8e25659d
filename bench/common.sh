# Sourced by the bench scripts (after they set $work). Each measured command runs $runs times
# (BENCH_RUNS, default 3), each round running a baseline and eifkit one after the other, so
# that both see the same state of the machine. A ratio is the median of the rounds' ratios,
# printed with its spread (the lowest and highest round): one noisy run no longer decides.
runs=${BENCH_RUNS:-3}
declare -A times=() peak=() status=()

# sample KEY COMMAND...: one run of the command (stdout dropped, stderr kept in $work/stderr).
# Appends its wall time to times[KEY], keeps the largest peak RSS in peak[KEY] (KiB) and the
# first non-zero exit status in status[KEY].
sample() {
  local key=$1 rc=0 s k
  shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" > /dev/null 2>> "$work/stderr" || rc=$?
  read -r s k < <(tail -1 "$work/time")  # GNU time puts "Command exited with..." first
  times[$key]+="${times[$key]:+ }$s"
  [ "$k" -gt "${peak[$key]:-0}" ] && peak[$key]=$k
  [ "${status[$key]:-0}" != 0 ] || status[$key]=$rc
}

sorted() { printf '%s\n' $1 | sort -g; }
median() { sorted "$1" | sed -n "$((($(wc -w <<< "$1") + 1) / 2))p"; }
lowest() { sorted "$1" | head -1; }
highest() { sorted "$1" | tail -1; }
sum() { echo "$1" | tr ' ' '\n' | paste -sd+ | bc -l; }

ratio() {  # a / b to 4 places; b below GNU time's resolution (0.00 s) counts as 0.01 s
  printf '%.4f' "$(echo "define r(a, b) { if (b < 0.01) b = 0.01; return a / b; }; scale = 6; r($1, $2)" | bc -l)"
}

# ratios "A1 A2 ..." "B1 B2 ...": each round's A / B.
ratios() {
  local -a a=($1) b=($2)
  local i out=
  for i in "${!a[@]}"; do out+="${out:+ }$(ratio "${a[$i]}" "${b[$i]}")"; done
  echo "$out"
}

# spread LIST: "low-high" to 2 places, the range of a list of times or ratios.
spread() { printf '%.2f-%.2f' "$(lowest "$1")" "$(highest "$1")"; }
