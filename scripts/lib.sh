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

# ---------------------------------------------------------------- a test server
# scripts/e2e and scripts/api-check run the real server on a free port with a
# data folder of its own: WORK_DIR, PORT and BASE_URL are set by the caller,
# SERVER by find_server, SERVER_PID by start_server.

WORK_DIR=""
SERVER_PID=""
PORT=""
BASE_URL=""

stop_test_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ -n $WORK_DIR ]]; then
        rm -rf "$WORK_DIR"
    fi
}

find_server() {
    if [[ -n ${VR_SERVER_BIN:-} ]]; then
        SERVER="$VR_SERVER_BIN"
    else
        # The same package selection as `cargo test` and the tests too, so
        # cargo unifies features the same way: a no-op after the test phase.
        step "server debug build"
        cargo build --bins --tests
        SERVER="$(cargo_target_dir)/debug/vorgangsraum"
    fi
    [[ -x $SERVER ]] || die "server binary $SERVER not found"
}

# Replaces the calling subshell with the server. It runs from WORK_DIR with
# every setting given, so neither a developer's .env nor their shell's
# DATABASE_URL reaches the tests. Call it as `(server_exec ARGS)`. Chunks of
# 256 KiB let a test file of a few MB take many, so that a test can break the
# connection in the middle of one.
server_exec() {
    cd "$WORK_DIR" || exit
    exec env -u DATABASE_URL -u VR_STORE -u VR_SMTP_URL -u VR_JWT_SECRET \
        -u VR_S3_BUCKET -u VR_S3_ENDPOINT \
        VR_DATA_DIR="$WORK_DIR/data" \
        VR_FRONTEND_DIR="$VR_ROOT/frontend/dist" \
        VR_BIND="127.0.0.1:$PORT" \
        VR_PUBLIC_URL="$BASE_URL" \
        VR_UPLOAD_CHUNK_BYTES=262144 \
        RUST_LOG="${RUST_LOG:-info}" \
        "$SERVER" "$@"
}

start_server() {
    step "serving on $BASE_URL"
    (server_exec serve) >"$WORK_DIR/server.log" 2>&1 &
    SERVER_PID=$!
    wait_until_healthy
}

# Waits until the server started as SERVER_PID answers /healthz.
wait_until_healthy() {
    local i
    for ((i = 0; i < 300; i++)); do
        if curl -fsS -o /dev/null "$BASE_URL/healthz" 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            tail -n 50 "$WORK_DIR/server.log" >&2
            die "the server exited before it was healthy"
        fi
        sleep 0.2
    done
    tail -n 50 "$WORK_DIR/server.log" >&2
    die "the server was not healthy after 60 s"
}

# ------------------------------------------------------ the test OpenID provider
# e2e/oidc/provider.mjs (node-oidc-provider; any user name logs in) on a free
# port of localhost, with one confidential client. The e2e node packages must
# be installed (scripts/setup e2e). Sets OIDC_PID, OIDC_ISSUER, OIDC_CLIENT_ID
# and OIDC_CLIENT_SECRET.
#   start_oidc_provider REDIRECT_URI LOG_FILE [ANY_PORT]
# ANY_PORT=1 accepts REDIRECT_URI on any port (the API tests' servers each
# have one of their own).

OIDC_PID=""

start_oidc_provider() {
    local redirect_uri=$1 log=$2 any_port=${3:-0}
    local port
    port="$(free_port)"
    OIDC_ISSUER="http://localhost:$port"
    OIDC_CLIENT_ID=vorgangsraum-test
    OIDC_CLIENT_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
    OIDC_PORT="$port" OIDC_ISSUER="$OIDC_ISSUER" OIDC_CLIENT_ID="$OIDC_CLIENT_ID" \
        OIDC_CLIENT_SECRET="$OIDC_CLIENT_SECRET" OIDC_REDIRECT_URI="$redirect_uri" \
        OIDC_ANY_PORT="$any_port" node "$VR_ROOT/e2e/oidc/provider.mjs" >"$log" 2>&1 &
    OIDC_PID=$!
    wait_for_port "$port" "the test OpenID provider"
    note "test OpenID provider on $OIDC_ISSUER"
}

# Safe to call more than once and with nothing started.
stop_oidc_provider() {
    if [[ -n $OIDC_PID ]]; then
        kill "$OIDC_PID" 2>/dev/null || true
        wait "$OIDC_PID" 2>/dev/null || true
    fi
    OIDC_PID=""
}
