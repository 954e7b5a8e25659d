#!/usr/bin/env bash
# The bash completion offers every command and subcommand `eifkit --help` lists and every flag
# each one's --help prints, read here independently of packaging/make_completion.sh.
#   completion_test.sh EIFKIT COMPLETION_FILE
set -eu
eifkit=$1 completion=$2
# shellcheck source=/dev/null
. "$completion"
status=0

# What completing the last word of "eifkit WORDS..." offers, one per line.
offered() {
  COMP_WORDS=(eifkit "$@")
  COMP_CWORD=$#
  COMPREPLY=()
  _eifkit
  printf '%s\n' "${COMPREPLY[@]}"
}

# expect_all WHAT WORDS... -- the completion of "eifkit WORDS..." must offer each of WHAT.
expect_all() {
  local want=$1
  shift
  local got
  got=$(offered "$@")
  for w in $want; do
    if ! grep -qxF -- "$w" <<< "$got"; then
      echo "FAIL eifkit $* <TAB> does not offer $w"
      status=1
    fi
  done
}

help_subcommands() {
  "$eifkit" "$@" --help | sed -n '/^Subcommands:/,/^$/p' | sed -n 's/^  \([^ ][^ ]*\).*/\1/p'
}
help_flags() {
  "$eifkit" "$@" --help | grep '^  -' | cut -d' ' -f3 | tr ',' '\n' | sed 's/{.*//' |
    grep -- '^--' || true
}

commands=$(help_subcommands)
[ "$(wc -w <<< "$commands")" -ge 10 ] || { echo "FAIL eifkit --help lists too few commands"; exit 1; }
expect_all "$commands" ""
expect_all "$(help_flags)" --
checked=0
for command in $commands; do
  expect_all "$(help_flags "$command")" "$command" --
  # A flag's value between the command and the word being completed changes nothing.
  expect_all "$(help_flags "$command")" "$command" --output some.file --
  subs=$(help_subcommands "$command")
  [ -z "$subs" ] || expect_all "$subs" "$command" ""
  for sub in $subs; do
    expect_all "$(help_flags "$command" "$sub")" "$command" "$sub" --
    checked=$((checked + 1))
  done
  checked=$((checked + 1))
done
# Only the flags that were typed so far: "--out" completes to --output, not to every flag.
[ "$(offered build --out)" = --output ] ||
  { echo "FAIL eifkit build --out<TAB> offers: $(offered build --out | tr '\n' ' ')"; status=1; }
[ $status = 0 ] && echo "ok   the completion offers every command, subcommand and flag of --help ($checked commands)"
exit $status
