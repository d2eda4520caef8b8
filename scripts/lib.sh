# shellcheck shell=bash
# Helpers shared by the scripts in this folder. Sourced, never run.
#
# Every script works from the repository root and keeps what outlives one
# clone (installed tools, the Python venv, the cargo target dir of the test
# command) in one cache folder outside it, so a second clone on the same
# machine starts warm.

VR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VR_CACHE="${VR_CACHE:-/var/tmp/vorgangsraum-cache}"
VR_TOOLS="$VR_CACHE/tools"
VR_VENV="$VR_CACHE/venv"
export VR_ROOT VR_CACHE VR_TOOLS VR_VENV

# One line per step, so a log reads as a list of what happened.
step() {
    printf '==> %s\n' "$*"
}

note() {
    printf '    %s\n' "$*"
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Tools we installed ourselves come before the system's: Debian's
# /usr/bin/wasm-opt (binaryen 108) produces wasm that crashes in the browser.
use_local_tools() {
    PATH="$VR_TOOLS/bin:$VR_ROOT/tools/node_modules/.bin:$PATH"
    export PATH
}

# The wasm-bindgen version the frontend links against, read from Cargo.lock:
# the CLI must match it exactly or the generated glue does not fit the wasm.
wasm_bindgen_version() {
    awk '
        $0 == "name = \"wasm-bindgen\"" { found = 1; next }
        found && /^version = / { gsub(/"/, "", $3); print $3; exit }
    ' "$VR_ROOT/Cargo.lock"
}

# The cargo target directory as cargo itself sees it (CARGO_TARGET_DIR,
# .cargo/config.toml or the default), so we find the artefacts it builds.
cargo_target_dir() {
    cargo metadata --format-version 1 --no-deps --manifest-path "$VR_ROOT/Cargo.toml" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}

# A TCP port that was free a moment ago. The kernel picks it; a clash with
# another process grabbing it in between is possible but rare.
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Waits until something accepts connections on 127.0.0.1:PORT.
wait_for_port() {
    local port=$1 what=$2 tries=${3:-100}
    local i
    for ((i = 0; i < tries; i++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    die "$what did not start listening on port $port"
}

# Reads KEY=VALUE lines from a .env file into the environment, like the server's
# own dotenv loader: variables already set in the environment win. Only
# plain assignments are understood (optional `export`, optional quotes).
load_dotenv() {
    local file=$1
    [[ -f $file ]] || return 0

    local line key value
    while IFS= read -r line || [[ -n $line ]]; do
        line="${line#"${line%%[![:space:]]*}"}"
        [[ -z $line || $line == \#* ]] && continue
        line="${line#export }"
        key="${line%%=*}"
        value="${line#*=}"
        [[ $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
        if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
            value="${BASH_REMATCH[1]}"
        fi
        if [[ -z ${!key+set} ]]; then
            export "$key=$value"
        fi
    done <"$file"
}
