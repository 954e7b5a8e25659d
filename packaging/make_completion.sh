#!/bin/sh
# Writes eifkit's bash completion from what `eifkit [COMMAND [SUBCOMMAND]] --help` prints, so
# it offers exactly the commands and flags of the binary it was made from (the build runs it;
# tests/packaging/completion_test.sh checks the result against --help again).
#   make_completion.sh EIFKIT OUTPUT
set -eu
eifkit=$1 out=$2

# The names listed under "Subcommands:" (two spaces, the name, its description).
subcommands() {
  "$eifkit" "$@" --help | awk '
    /^Subcommands:/ { listing = 1; next }
    listing && /^  [^ ]/ { print $1; next }
    listing && /^$/ { exit }'
}

# The long flags of the option lines ("  -h,--help", "  --policy TEXT:FILE REQUIRED"): the
# first word of each, split at commas, less a default value ("--no-ramdisk-files{false}");
# the same reading as tests/cli/man_pages_test.cpp.
flags() {
  "$eifkit" "$@" --help | awk '
    /^  -/ {
      n = split($1, names, ",")
      for (i = 1; i <= n; i++) {
        sub(/[{].*/, "", names[i])
        if (names[i] ~ /^--[A-Za-z0-9]/) printf "%s ", names[i]
      }
    }' | sed 's/ $//'
}

tmp=$out.tmp
{
  cat << 'END'
# bash completion for eifkit: its commands, their subcommands and their flags.
# Generated from eifkit's --help by packaging/make_completion.sh; do not edit.
_eifkit() {
  local cur=${COMP_WORDS[COMP_CWORD]} command='' sub='' i word words=''
  # The command and subcommand: the first words that name one (a flag's value rarely does).
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in -*) continue ;; esac
    if [ -z "$command" ]; then
      case " $(_eifkit_words subcommands "") " in *" $word "*) command=$word ;; esac
    elif [ -z "$sub" ]; then
      case " $(_eifkit_words subcommands "$command") " in *" $word "*) sub=$word ;; esac
    fi
  done
  if [[ $cur == -* ]]; then
    words=$(_eifkit_words flags "$command${sub:+ $sub}")
  elif [ -z "$sub" ]; then
    words=$(_eifkit_words subcommands "$command")
  fi
  # No word to offer: file names (complete -o default), as most values are files.
  COMPREPLY=()
  [ -z "$words" ] || mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
  return 0
}

# _eifkit_words subcommands|flags "COMMAND [SUBCOMMAND]"
_eifkit_words() {
  case "$1 $2" in
END
  echo "    'subcommands ') echo '$(subcommands | tr '\n' ' ' | sed 's/ $//')' ;;"
  echo "    'flags ') echo '$(flags)' ;;"
  for command in $(subcommands); do
    subs=$(subcommands "$command" | tr '\n' ' ' | sed 's/ $//')
    [ -z "$subs" ] || echo "    'subcommands $command') echo '$subs' ;;"
    echo "    'flags $command') echo '$(flags "$command")' ;;"
    for sub in $subs; do
      echo "    'flags $command $sub') echo '$(flags "$command" "$sub")' ;;"
    done
  done
  cat << 'END'
  esac
}

complete -o default -F _eifkit eifkit
END
} > "$tmp"
mv "$tmp" "$out"
