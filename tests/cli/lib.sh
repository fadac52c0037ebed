# lib.sh — helpers for the CLI tests (sourced). $ARV is the binary under test.
set -u
fails=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# expect_rc WANT CMD... : run CMD, keep stdout/stderr in $T/out, $T/err
expect_rc() {
    local want=$1; shift
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" != "$want" ]; then
        echo "FAIL: '$*' exited $rc, want $want; stderr: $(head -c 300 "$T/err")"
        fails=$((fails + 1))
        return 1
    fi
}

# expect_one_line_error SUBSTRING : stderr is exactly one line containing it
expect_one_line_error() {
    local n
    n=$(wc -l <"$T/err")
    if [ "$n" != 1 ] || ! grep -qF -- "$1" "$T/err"; then
        echo "FAIL: want one stderr line with '$1', got $n line(s): $(head -c 300 "$T/err")"
        fails=$((fails + 1))
    fi
}

expect() {   # expect DESCRIPTION COMMAND...
    local what=$1; shift
    if ! "$@"; then
        echo "FAIL: $what"
        fails=$((fails + 1))
    fi
}

finish() {
    if [ "$fails" -ne 0 ]; then
        echo "$fails check(s) failed in $0"
        exit 1
    fi
    echo "ok: $0"
}
