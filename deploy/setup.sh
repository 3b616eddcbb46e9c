#!/usr/bin/env bash
# Installs the system prerequisites of the local stack on a Debian machine (run as root, or with sudo):
#   - PostgreSQL server binaries (Debian's `postgresql`; its auto-created cluster is NOT used:
#     deploy/stack.py runs a private cluster under RUN_DIR, so no cluster is created/started here)
#   - Java 17+ (Kafka 4.x broker)
#   - Maven (fetches the Kafka jars from Maven Central once; ~/.m2 caches them)
# Idempotent: when everything is present it does nothing (no apt-get update) and returns at once.
# Python and the venv are handled elsewhere.
set -euo pipefail

log() { printf '[setup] %s\n' "$*" >&2; }

have_pg_server() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x "$d/pg_ctl" && -x "$d/initdb" && -x "$d/postgres" ]] && return 0
    done
    command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1
}

java_major() {  # prints the major version of `java` on PATH, or 0
    local line v
    command -v java >/dev/null 2>&1 || { echo 0; return; }
    line=$(java -version 2>&1 | grep -m1 'version "') || { echo 0; return; }
    v=$(sed -E 's/.*version "([0-9]+)(\.([0-9]+))?.*/\1 \3/' <<<"$line")
    set -- $v
    if [[ "${1:-0}" == 1 ]]; then echo "${2:-0}"; else echo "${1:-0}"; fi  # "1.8" style -> 8
}

need=()
have_pg_server || need+=(postgresql)
java_ok=1; (( $(java_major) >= 17 )) || java_ok=0
command -v mvn >/dev/null 2>&1 || need+=(maven)
[[ -x /usr/bin/chromium ]] || need+=(chromium fonts-wqy-microhei)  # the dashboard test (Playwright drives it; CJK glyphs)
if (( java_ok )) && (( ${#need[@]} == 0 )); then
    exit 0  # everything present: nothing to do
fi

SUDO=()
if (( EUID != 0 )); then
    command -v sudo >/dev/null 2>&1 || { log "not root and no sudo: cannot install ${need[*]}"; exit 1; }
    SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

log "apt-get update"
"${SUDO[@]}" apt-get update -q

if (( ! java_ok )); then
    # Debian 12 ships openjdk-17; newer releases may only have 21+.
    for pkg in openjdk-17-jre-headless openjdk-21-jre-headless default-jre-headless; do
        if [[ -n "$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '(none)')" ]]; then
            need+=("$pkg"); break
        fi
    done
fi

pg_pkg=0
for p in "${need[@]}"; do [[ "$p" == postgresql ]] && pg_pkg=1; done
if (( pg_pkg )); then
    # Do not let the package create (and start) its default cluster: we run our own under RUN_DIR.
    "${SUDO[@]}" mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | "${SUDO[@]}" tee /etc/postgresql-common/createcluster.d/99-no-main-cluster.conf >/dev/null
fi

log "apt-get install ${need[*]}"
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${need[@]}"

if (( pg_pkg )); then
    # Belt and braces: stop and disable any cluster that was created/started anyway.
    if command -v pg_lsclusters >/dev/null 2>&1; then
        while read -r ver name _; do
            [[ -n "$ver" && -n "$name" ]] || continue
            log "stopping and disabling the package's cluster $ver/$name (not used)"
            "${SUDO[@]}" pg_ctlcluster "$ver" "$name" stop 2>/dev/null || true
            echo manual | "${SUDO[@]}" tee "/etc/postgresql/$ver/$name/start.conf" >/dev/null || true
        done < <(pg_lsclusters -h 2>/dev/null || true)
    fi
    if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
        "${SUDO[@]}" systemctl disable --now postgresql >/dev/null 2>&1 || true
    fi
fi

have_pg_server || { log "PostgreSQL server binaries still missing"; exit 1; }
(( $(java_major) >= 17 )) || { log "java 17+ still missing (java on PATH: $(command -v java || echo none))"; exit 1; }
command -v mvn >/dev/null 2>&1 || { log "mvn still missing"; exit 1; }
log "prerequisites installed"
