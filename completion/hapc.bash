# bash completion for hapc(1): actions, options, option values, and backend, server and
# frontend names asked from the running HAProxy (with the -k/-c/--master-socket already typed).
#
# The logic lives in hapc itself, behind the hidden "hapc --complete -- WORD..." helper: it
# reads the same option and action tables as the parser, so this completion always matches
# the hapc it runs, and it lists names by running hapc's own list actions (no JSON parsing
# here, no jq). This function only hands it the words and turns its answer into COMPREPLY:
# a first line "words" (candidates follow, one a line) or "files" (complete a path).
# It needs nothing from the bash-completion package.

_hapc() {
    local line=${COMP_LINE:0:COMP_POINT}
    local -a words reply
    # Split on blanks only: bash's own COMP_WORDS also splits at ':' and '=', which would
    # cut "--backend=web" and IPv6 or host:port socket addresses apart.
    read -ra words <<<"$line"
    if [[ ${#words[@]} -eq 0 || $line == *[[:space:]] ]]; then
        words+=("")
    fi
    local cur=${words[${#words[@]}-1]}
    # The hapc being completed answers (~/bin/hapc as typed: the tilde is not expanded yet).
    local hapc=${words[0]:-hapc}
    hapc=${hapc/#\~/$HOME}
    mapfile -t reply < <("$hapc" --complete -- "${words[@]:1}" 2>/dev/null)
    COMPREPLY=()
    case ${reply[0]-} in
    files)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "${COMP_WORDS[COMP_CWORD]}")
        ;;
    words)
        # bash replaces only the part of the word after its last ':' or '=': drop what is
        # before it from each candidate ("--backend=web" -> "web" when completing "=we").
        local tail=${COMP_WORDS[COMP_CWORD]}
        local head=${cur%"$tail"}
        local candidate
        for candidate in "${reply[@]:1}"; do
            COMPREPLY+=("${candidate#"$head"}")
        done
        ;;
    esac
    return 0
}

complete -F _hapc hapc
