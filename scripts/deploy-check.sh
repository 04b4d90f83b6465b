#!/usr/bin/env bash
# `make deploy-check`: proves the runtime half of deploy/Dockerfile without a Docker engine.
#
#  1. Reads deploy/Dockerfile: the builder's SWIFT_BUILD_FLAGS and every instruction of the
#     final (runtime) stage.
#  2. Builds hpclab with those flags into .build-deploy/swift (as the invoking user).
#  3. As root (sudo when not root), in a private mount namespace so no mount outlives it:
#     - a minimal Debian bookworm root from debootstrap (--variant=minbase), set up like
#       debian:bookworm-slim and cached in .build-deploy/base-bookworm;
#     - a fresh copy of it per run, in which the runtime stage is replayed instruction by
#       instruction: its RUN lines run verbatim in the chroot (so exactly RUNTIME_PACKAGES is
#       installed), COPY copies what the Dockerfile copies (the builder's /out/hpclab is the
#       binary from step 2), ENV/USER/WORKDIR/VOLUME/EXPOSE/HEALTHCHECK/ENTRYPOINT/CMD are
#       recorded and used;
#     - every library the binary links directly must come from a package named in
#       RUNTIME_PACKAGES or already in the base image, and `ldd` must find them all;
#     - ENTRYPOINT+CMD runs as the Dockerfile's USER with only the image's environment, in a
#       network namespace of its own (like a container: it binds the image's 0.0.0.0:8080),
#       with the root read-only, /tmp a tmpfs and the data volume writable (as compose runs
#       it); curl from outside the chroot checks /healthz, /, a search, /devices (an OpenCL
#       device) and matmul jobs on PoCL and OpenBLAS; the HEALTHCHECK command runs inside;
#     - STOPSIGNAL stops it, and it must exit 0; a second server on the same data volume
#       still has the job and its result (an upgrade keeps the data);
#     - compose.yaml agrees with the Dockerfile (volume, port, healthcheck), and the compose
#       files pass `docker compose config` or check-jsonschema when either is installed.
#
# Prints each check; exits non-zero on the first failure. Environment: SWIFT (swift),
# DEBIAN_MIRROR (http://deb.debian.org/debian), DEPLOY_CHECK_DIR (.build-deploy),
# DEPLOY_CHECK_REFRESH=1 (rebuild the cached base root), DOCKERFILE (deploy/Dockerfile).
set -euo pipefail
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$SELF")/.."
REPO=$PWD
DOCKERFILE=${DOCKERFILE:-deploy/Dockerfile}
WORK=${DEPLOY_CHECK_DIR:-.build-deploy}
case $WORK in /*) ;; *) WORK=$REPO/$WORK ;; esac
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
# The builder stage's output path, and the only builder file the runtime stage may copy.
BUILDER_BINARY=/out/hpclab
# PATH of the debian:bookworm-slim image.
IMAGE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

T0=$(date +%s)
say()  { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
pass() { printf '  ok    %s\n' "$*"; }
die()  { printf '  FAIL  %s\n' "$*" >&2; exit 1; }
elapsed() { echo "$(( $(date +%s) - ${1:-$T0} ))s"; }

# ---------------------------------------------------------------------------------------
# Dockerfile reading
# ---------------------------------------------------------------------------------------

# Prints one instruction per line, "STAGE<TAB>KEYWORD<TAB>ARGUMENTS": continuation lines
# joined, comment lines dropped; STAGE counts FROMs (0 = the global preamble).
instructions() {
  awk '
    /^[[:space:]]*#/ { next }
    /^[[:space:]]*$/ { next }
    {
      line = $0
      if (cont) { sub(/^[[:space:]]+/, "", line); buf = buf " " line } else buf = line
      if (buf ~ /\\[[:space:]]*$/) { sub(/\\[[:space:]]*$/, "", buf); cont = 1; next }
      cont = 0
      sub(/^[[:space:]]+/, "", buf)
      kw = toupper(buf); sub(/[[:space:]].*/, "", kw)
      rest = buf; sub(/^[^[:space:]]+[[:space:]]*/, "", rest)
      if (kw == "FROM") stage++
      printf "%d\t%s\t%s\n", stage, kw, rest
      buf = ""
    }
  ' "$DOCKERFILE"
}

declare -A VARS=()
# Replaces ${NAME} with known ARG/ENV values; any other $ is an error here.
subst() {
  local s=$1 k
  for k in "${!VARS[@]}"; do s=${s//"\${$k}"/${VARS[$k]}}; done
  [[ $s != *'$'* ]] || die "deploy-check cannot expand the variable in: $1"
  printf '%s' "$s"
}
unquote() { local v=$1; v=${v#\"}; v=${v%\"}; printf '%s' "$v"; }
# NAME=VALUE (ARG) -> sets VARS[NAME]
set_arg() {
  local a=$1 name value
  name=${a%%=*}
  if [[ $a == *=* ]]; then value=$(unquote "${a#*=}"); VARS[$name]=$value
  else VARS[$name]=${VARS[$name]-}; fi
}

# Global preamble, final stage number and its FROM; the builder's SWIFT_BUILD_FLAGS.
read_dockerfile() {
  [[ -f $DOCKERFILE ]] || die "$DOCKERFILE not found"
  FINAL_STAGE=$(instructions | awk -F'\t' '$2=="FROM"{n=$1} END{print n+0}')
  (( FINAL_STAGE >= 2 )) || die "$DOCKERFILE should have a builder and a runtime stage"
  local stage kw args
  while IFS=$'\t' read -r stage kw args; do
    [[ $stage == 0 && $kw == ARG ]] && set_arg "$args"
  done < <(instructions)
  GLOBAL_ARGS=$(declare -p VARS)
  SWIFT_BUILD_FLAGS=""
  while IFS=$'\t' read -r stage kw args; do
    if [[ $kw == ARG && $args == SWIFT_BUILD_FLAGS=* && $stage != "$FINAL_STAGE" ]]; then
      SWIFT_BUILD_FLAGS=$(unquote "${args#SWIFT_BUILD_FLAGS=}")
    fi
  done < <(instructions)
  [[ -n $SWIFT_BUILD_FLAGS ]] || die "no ARG SWIFT_BUILD_FLAGS in the builder stage of $DOCKERFILE"
  RUNTIME_PACKAGES=$(instructions | awk -F'\t' -v s="$FINAL_STAGE" \
    '$1==s && $2=="ARG" && $3 ~ /^RUNTIME_PACKAGES=/ { sub(/^RUNTIME_PACKAGES=/, "", $3); gsub(/"/, "", $3); print $3 }')
  [[ -n $RUNTIME_PACKAGES ]] || die "no ARG RUNTIME_PACKAGES in the runtime stage of $DOCKERFILE"
  instructions | awk -F'\t' -v s="$FINAL_STAGE" '$1==s && $2=="RUN" && $3 ~ /apt-get .*install .*\$\{?RUNTIME_PACKAGES/ {f=1} END{exit !f}' \
    || die "no RUN in the runtime stage installs \${RUNTIME_PACKAGES} with apt-get"
}

# ---------------------------------------------------------------------------------------
# Phase 1 (invoking user): parse, build
# ---------------------------------------------------------------------------------------
if [[ ${1:-} != __root ]]; then
  step "Dockerfile: $DOCKERFILE"
  read_dockerfile
  say "  builder flags:    $SWIFT_BUILD_FLAGS"
  say "  runtime packages: $RUNTIME_PACKAGES"
  [[ " $SWIFT_BUILD_FLAGS " == *" --static-swift-stdlib "* ]] || die "SWIFT_BUILD_FLAGS lacks --static-swift-stdlib"
  [[ " $SWIFT_BUILD_FLAGS " == *" -c release "* ]] || die "SWIFT_BUILD_FLAGS lacks -c release"
  pass "builder builds in release with the Swift runtime linked statically"

  step "build: swift build $SWIFT_BUILD_FLAGS --scratch-path ${WORK#$REPO/}/swift"
  SWIFT=${SWIFT:-swift}
  if ! command -v "$SWIFT" >/dev/null && [[ -x /opt/swift/usr/bin/swift ]]; then SWIFT=/opt/swift/usr/bin/swift; fi
  t=$(date +%s)
  mkdir -p "$WORK"
  # shellcheck disable=SC2086 # the flags are words
  if ! "$SWIFT" build $SWIFT_BUILD_FLAGS --scratch-path "$WORK/swift" > "$WORK/swift-build.log" 2>&1; then
    tail -n 30 "$WORK/swift-build.log"; die "swift build failed (log: $WORK/swift-build.log)"
  fi
  say "  $(tail -n 1 "$WORK/swift-build.log")"
  # shellcheck disable=SC2086
  BIN="$("$SWIFT" build $SWIFT_BUILD_FLAGS --scratch-path "$WORK/swift" --show-bin-path)/hpclab"
  [[ -x $BIN ]] || die "build produced no $BIN"
  pass "built ${BIN#$REPO/} ($(du -m "$BIN" | cut -f1) MB) in $(elapsed "$t")"
  if ldd "$BIN" | grep -E 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime'; then
    die "the binary still links the Swift runtime dynamically"
  fi
  pass "no libswift*/libFoundation*/libdispatch in ldd: $(readelf -d "$BIN" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')"

  # The compose files against the Compose Specification, with whichever validator is here.
  composes=(-f deploy/compose.yaml -f deploy/compose.gpu.yaml)
  if docker compose version >/dev/null 2>&1; then
    docker compose "${composes[@]}" config -q || die "docker compose config rejects deploy/compose*.yaml"
    pass "docker compose config accepts deploy/compose.yaml + compose.gpu.yaml"
  elif command -v check-jsonschema >/dev/null; then
    check-jsonschema -q --builtin-schema vendor.compose-spec deploy/compose.yaml deploy/compose.gpu.yaml \
      || die "deploy/compose*.yaml do not match the Compose Specification schema"
    pass "deploy/compose.yaml and compose.gpu.yaml match the Compose Specification schema (check-jsonschema)"
  else
    say "  skip  compose schema: neither 'docker compose' nor check-jsonschema is installed"
  fi

  SUDO=""; [[ $(id -u) == 0 ]] || SUDO=sudo
  # Everything else needs root; a private mount namespace takes every mount with it.
  exec $SUDO env DOCKERFILE="$DOCKERFILE" DEPLOY_CHECK_DIR="$WORK" DEBIAN_MIRROR="$MIRROR" \
    DEPLOY_CHECK_REFRESH="${DEPLOY_CHECK_REFRESH:-}" DEPLOY_CHECK_T0="$T0" \
    unshare --mount --propagation private -- bash "$SELF" __root "$BIN"
fi

# ---------------------------------------------------------------------------------------
# Phase 2 (root, private mount namespace)
# ---------------------------------------------------------------------------------------
BIN=$2
T0=${DEPLOY_CHECK_T0:-$T0}
export LC_ALL=C
[[ $(id -u) == 0 ]] || die "phase 2 must run as root"
read_dockerfile
BASE=$WORK/base-$SUITE
RUN=$WORK/run
R=$RUN/rootfs
SERVER_PID=""
MOUNTED=0

cleanup() {
  local rc=$?
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if (( MOUNTED )); then
    umount -R "$R" 2>/dev/null || umount -R -l "$R" 2>/dev/null || true
    if findmnt -rn -o TARGET | grep -qF "$R"; then say "  WARN  mounts left under $R"; fi
  fi
  if (( rc != 0 )); then
    if [[ -n ${SERVER_LOG:-} && -s $SERVER_LOG ]]; then say "  --- last lines of $SERVER_LOG"; tail -n 20 "$SERVER_LOG"; fi
    say ""; say "deploy-check FAILED after $(elapsed)"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

exec 9>"$WORK/.lock"
flock -n 9 || die "another deploy-check is running ($WORK/.lock)"

# -- the cached base root ---------------------------------------------------------------
BASE_KEY="debootstrap --variant=minbase $SUITE $MIRROR; slim-like v1"
step "base root: ${BASE#$REPO/}"
if [[ -n ${DEPLOY_CHECK_REFRESH:-} || ! -f $BASE/.deploy-check-base || $(cat "$BASE/.deploy-check-base") != "$BASE_KEY" ]]; then
  t=$(date +%s)
  rm -rf --one-file-system "$BASE" "$BASE.tmp"
  say "  debootstrap --variant=minbase $SUITE (once; cached) ..."
  debootstrap --variant=minbase "$SUITE" "$BASE.tmp" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -n 20 "$WORK/debootstrap.log"; die "debootstrap failed (log: $WORK/debootstrap.log)"; }
  # As in debian:bookworm-slim: deb822 sources with updates and security, the slim image's
  # dpkg path excludes, apt's docker-clean, no service starts.
  rm -f "$BASE.tmp/etc/apt/sources.list"
  security=${MIRROR%/debian}/debian-security
  cat > "$BASE.tmp/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat > "$BASE.tmp/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
  cat > "$BASE.tmp/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  printf '#!/bin/sh\nexit 101\n' > "$BASE.tmp/usr/sbin/policy-rc.d"; chmod 0755 "$BASE.tmp/usr/sbin/policy-rc.d"
  rm -rf "$BASE.tmp"/var/lib/apt/lists/* "$BASE.tmp"/var/cache/apt/archives/*.deb
  printf '%s\n' "$BASE_KEY" > "$BASE.tmp/.deploy-check-base"
  mv "$BASE.tmp" "$BASE"
  pass "built the base root in $(elapsed "$t")"
else
  pass "cached ($(sed -n 1p "$BASE/.deploy-check-base"))"
fi
base_packages=$(dpkg-query --admindir="$BASE/var/lib/dpkg" -W -f='${Package}\n' | sort)
in_base() { grep -qx "$1" <<<"$base_packages"; }

# -- a fresh copy, mounts -------------------------------------------------------------------
step "runtime stage, replayed in a fresh copy: ${R#$REPO/}"
if findmnt -rn -o TARGET | grep -qF "$RUN/"; then die "something is still mounted under $RUN"; fi
rm -rf --one-file-system "$RUN"
mkdir -p "$R"
cp -a "$BASE/." "$R/"
rm -f "$R/.deploy-check-base"
cp -L /etc/resolv.conf "$R/etc/resolv.conf"

# Like a container: proc, a read-only sysfs (hwloc reads the CPU topology there), a tmpfs /dev
# with the usual nodes. The private namespace keeps all of this away from the host.
MOUNTED=1
mount --bind "$R" "$R"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
mount -t tmpfs -o nosuid,mode=0755,size=64m tmpfs "$R/dev"
for node in "null c 1 3" "zero c 1 5" "full c 1 7" "random c 1 8" "urandom c 1 9" "tty c 5 0"; do
  set -- $node; mknod -m 0666 "$R/dev/$1" "$2" "$3" "$4"
done
ln -s /proc/self/fd "$R/dev/fd"; ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
mkdir -m 1777 "$R/dev/shm"; mount -t tmpfs -o nosuid,nodev,mode=1777,size=64m shm "$R/dev/shm"

# -- replay -------------------------------------------------------------------------------
eval "$GLOBAL_ARGS"
declare -A ENVV=()
ENV_ORDER=()
RUN_USER=""; WORKDIR=/; EXPOSED=(); VOLUMES=(); HEALTH=(); ENTRYPOINT=(); CMD=(); STOPSIGNAL=TERM
RUN_ARG_NAMES=()
n_run=0

uid_of() { awk -F: -v u="$1" '$1==u || $3==u {print $3; exit}' "$R/etc/passwd"; }
gid_of() { awk -F: -v g="$1" '$1==g || $3==g {print $3; exit}' "$R/etc/group"; }
# chroot options for USER "u[:g]" (names looked up in the image, as Docker does).
userspec() {
  local spec=$1 u g uid gid
  u=${spec%%:*}; g=""; [[ $spec == *:* ]] && g=${spec#*:}
  uid=$(uid_of "$u"); [[ -n $uid ]] || die "USER $u is not in the image's /etc/passwd"
  if [[ -n $g ]]; then gid=$(gid_of "$g"); else gid=$(awk -F: -v u="$uid" '$3==u {print $4; exit}' "$R/etc/passwd"); fi
  [[ -n $gid ]] || die "group of USER $spec not found in the image"
  printf -- '--userspec=%s:%s --groups=%s' "$uid" "$gid" "$gid"
}
home_of() { local h; h=$(awk -F: -v u="$1" '$1==u || $3==u {print $6; exit}' "$R/etc/passwd"); printf '%s' "${h:-/}"; }
# The environment a process in the image gets: PATH, HOSTNAME, HOME, the ENVs (and for RUN, ARGs).
image_env() {
  local with_args=$1 user=${RUN_USER:-root} k
  printf '%s\0' "PATH=$IMAGE_PATH" "HOSTNAME=deploy-check" "HOME=$(home_of "${user%%:*}")"
  if [[ $with_args == 1 ]]; then for k in "${RUN_ARG_NAMES[@]}"; do printf '%s\0' "$k=${VARS[$k]}"; done; fi
  for k in "${ENV_ORDER[@]}"; do printf '%s\0' "$k=${ENVV[$k]}"; done
}
in_image() {  # in_image WITH_ARGS CMD... : runs in the chroot as USER, in WORKDIR, with the image env
  local with_args=$1; shift
  local -a envs opts=()
  mapfile -d '' envs < <(image_env "$with_args")
  local spec=""
  if [[ -n $RUN_USER ]]; then spec=$(userspec "$RUN_USER"); read -r -a opts <<<"$spec"; fi
  chroot "${opts[@]}" "$R" /usr/bin/env -i -C "$WORKDIR" "${envs[@]}" "$@"
}
exec_form() {  # exec_form VAR '["a","b"]': VAR=(a b)
  jq -e 'type == "array" and length > 0 and all(.[]; type == "string")' <<<"$2" >/dev/null 2>&1 \
    || die "deploy-check needs the exec (JSON array) form: $2"
  mapfile -d '' "$1" < <(jq -j '.[] | ., "\u0000"' <<<"$2")
}

while IFS=$'\t' read -r stage kw args; do
  [[ $stage == "$FINAL_STAGE" ]] || continue
  case $kw in
    FROM)
      from=$(subst "${args%% *}")
      [[ $from == debian:bookworm-slim ]] || die "the runtime stage is FROM $from; deploy-check proves debian:bookworm-slim"
      VARS=()
      pass "FROM $from (debootstrap $SUITE minbase stands in for it)" ;;
    ARG)
      set_arg "$args"; RUN_ARG_NAMES+=("${args%%=*}") ;;
    ENV)
      read -r -a toks <<<"$args"
      for tok in "${toks[@]}"; do
        [[ $tok == *=* && $tok != *[\"\']* ]] || die "deploy-check reads ENV only as KEY=VALUE words: $args"
        k=${tok%%=*}; v=$(subst "${tok#*=}")
        [[ -v ENVV[$k] ]] || ENV_ORDER+=("$k")
        ENVV[$k]=$v; VARS[$k]=$v
      done ;;
    RUN)
      [[ $args != \[* ]] || die "deploy-check runs RUN only in shell form: $args"
      n_run=$((n_run + 1)); t=$(date +%s)
      say "  RUN #$n_run: ${args:0:110}$([[ ${#args} -gt 110 ]] && echo ...)"
      if ! in_image 1 /bin/sh -c "$args" > "$RUN/run-$n_run.log" 2>&1; then
        tail -n 25 "$RUN/run-$n_run.log"; die "RUN #$n_run failed (log: $RUN/run-$n_run.log)"
      fi
      pass "RUN #$n_run ($(elapsed "$t"))" ;;
    COPY)
      expanded=$(subst "$args"); read -r -a words <<<"$expanded"
      from=""; chown=""; chmod=""; srcs=()
      for w in "${words[@]}"; do
        case $w in
          --from=*) from=${w#--from=} ;;
          --chown=*) chown=${w#--chown=} ;;
          --chmod=*) chmod=${w#--chmod=} ;;
          --*) die "deploy-check does not know COPY $w" ;;
          *) srcs+=("$w") ;;
        esac
      done
      dest=${srcs[-1]}; unset 'srcs[-1]'
      [[ $dest == /* ]] || die "deploy-check needs absolute COPY destinations: $args"
      for src in "${srcs[@]}"; do
        if [[ -n $from ]]; then
          [[ $src == "$BUILDER_BINARY" ]] || die "COPY --from=$from $src: deploy-check maps only $BUILDER_BINARY (the built binary)"
          host_src=$BIN
        else
          [[ $src != /* && $src != *..* ]] || die "odd COPY source $src"
          [[ $src != *'*'* ]] || die "deploy-check copies no wildcards in the runtime stage: $src"
          host_src=$REPO/$src
          [[ -e $host_src ]] || die "COPY $src: not in the build context"
        fi
        if [[ -d $host_src ]]; then
          mkdir -p "$R$dest"; cp -R --preserve=mode,timestamps "$host_src/." "$R$dest/"
          target=$R$dest
        else
          if [[ $dest == */ ]]; then mkdir -p "$R$dest"; target=$R$dest$(basename "$src")
          else mkdir -p "$(dirname "$R$dest")"; target=$R$dest; fi
          cp --preserve=mode,timestamps "$host_src" "$target"
        fi
        if [[ -n $chown ]]; then
          owner=$(userspec "$chown"); owner=${owner%% *}
          chown -R "${owner#--userspec=}" "$target"
        else
          chown -R 0:0 "$target"
        fi
        [[ -z $chmod ]] || chmod -R "$chmod" "$target"
        pass "COPY ${from:+--from=$from }$src -> $dest ($(find "$target" -type f | wc -l) files)"
      done ;;
    USER) RUN_USER=$(subst "$args") ;;
    WORKDIR) WORKDIR=$(subst "$args"); [[ $WORKDIR == /* ]] || die "relative WORKDIR"; mkdir -p "$R$WORKDIR" ;;
    VOLUME)
      if [[ $args == \[* ]]; then exec_form vs "$args"; else read -r -a vs <<<"$args"; fi
      for v in "${vs[@]}"; do v=$(subst "$v"); VOLUMES+=("$v"); mkdir -p "$R$v"; done ;;
    EXPOSE) read -r -a ps <<<"$args"; for p in "${ps[@]}"; do p=$(subst "${p%/tcp}"); EXPOSED+=("$p"); done ;;
    STOPSIGNAL) STOPSIGNAL=${args#SIG} ;;
    HEALTHCHECK)
      [[ $args == *"CMD "* ]] || die "HEALTHCHECK without CMD"
      exec_form HEALTH "${args#*CMD }" ;;
    ENTRYPOINT) exec_form ENTRYPOINT "$args" ;;
    CMD) exec_form CMD "$args" ;;
    LABEL) ;;
    *) die "deploy-check does not replay $kw" ;;
  esac
done < <(instructions)

# -- what the replay produced ---------------------------------------------------------------
step "image checks"
[[ -n $RUN_USER ]] || die "the runtime stage sets no USER"
uid=$(uid_of "${RUN_USER%%:*}")
[[ -n $uid && $uid != 0 ]] || die "USER $RUN_USER is root"
pass "USER $RUN_USER is uid $uid, not root"
[[ ${ENVV[HPCLAB_HOST]-} == 0.0.0.0 ]] || die "ENV HPCLAB_HOST is '${ENVV[HPCLAB_HOST]-}', not 0.0.0.0"
PORT=${ENVV[HPCLAB_PORT]:-8080}
[[ " ${EXPOSED[*]} " == *" $PORT "* ]] || die "EXPOSE (${EXPOSED[*]}) lacks the server port $PORT"
pass "ENV HPCLAB_HOST=0.0.0.0, EXPOSE ${EXPOSED[*]} matches the port $PORT"
DATA=${ENVV[HPCLAB_DATA_DIR]-}
[[ -n $DATA && " ${VOLUMES[*]} " == *" $DATA "* ]] || die "HPCLAB_DATA_DIR ($DATA) is not a VOLUME (${VOLUMES[*]})"
[[ $(stat -c %u "$R$DATA") == "$uid" ]] || die "$DATA is not owned by $RUN_USER"
pass "HPCLAB_DATA_DIR=$DATA is a VOLUME owned by $RUN_USER"
(( ${#HEALTH[@]} )) || die "no HEALTHCHECK"
(( ${#ENTRYPOINT[@]} + ${#CMD[@]} )) || die "no ENTRYPOINT/CMD"
for d in HPCLAB_PUBLIC_DIR HPCLAB_CONTENT_DIR; do
  [[ -n ${ENVV[$d]-} && -d $R${ENVV[$d]} ]] || die "ENV $d (${ENVV[$d]-unset}) is not a directory in the image"
done
corpus=$(find "$R${ENVV[HPCLAB_CONTENT_DIR]}" -name '*.md' | wc -l)
(( corpus > 0 )) || die "no corpus Markdown in ${ENVV[HPCLAB_CONTENT_DIR]}"
[[ -f $R${ENVV[HPCLAB_PUBLIC_DIR]}/index.html ]] || die "no index.html in ${ENVV[HPCLAB_PUBLIC_DIR]}"
pass "corpus (${ENVV[HPCLAB_CONTENT_DIR]}, $corpus Markdown files) and public (${ENVV[HPCLAB_PUBLIC_DIR]}) in place"

# Every library the binary links directly comes from a package the Dockerfile names, or one
# debian:bookworm-slim already has; ldd inside the image finds everything.
img_bin=$(in_image 0 sh -c 'command -v "$0"' "${ENTRYPOINT[0]:-${CMD[0]}}") || die "${ENTRYPOINT[0]:-${CMD[0]}} is not on the image's PATH"
ldd_out=$(chroot "$R" ldd "$img_bin")
if grep -q 'not found' <<<"$ldd_out"; then grep 'not found' <<<"$ldd_out"; die "ldd in the image: libraries not found"; fi
pass "ldd $img_bin in the image: all $(grep -c '=>' <<<"$ldd_out") libraries found"
for so in $(readelf -d "$R$img_bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
  path=$(awk -v s="$so" '$1==s && $2=="=>" {print $3}' <<<"$ldd_out")
  [[ -n $path ]] || { [[ $so == ld-linux* ]] && continue; die "$so not resolved by ldd"; }
  real=$(chroot "$R" readlink -f "$path")
  pkg=""
  # dpkg's database predates merged /usr (it may list /lib/... for /usr/lib/...).
  for f in "$real" "${real#/usr}" "$path" "${path#/usr}"; do
    pkg=$(chroot "$R" dpkg -S "$f" 2>/dev/null | head -n1 | cut -d: -f1) && [[ -n $pkg ]] && break
  done
  [[ -n $pkg ]] || die "$so ($real) belongs to no package"
  if [[ " $RUNTIME_PACKAGES " == *" $pkg "* ]]; then pass "$so <- $pkg (named in RUNTIME_PACKAGES)"
  elif in_base "$pkg"; then pass "$so <- $pkg (in the base image)"
  else die "$so comes from $pkg, which RUNTIME_PACKAGES does not name (it only came in as a dependency)"
  fi
done
for p in $RUNTIME_PACKAGES; do
  dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || die "$p is not installed"
done
# OpenCL drivers: each ICD file names a library; at least one must be in the image.
ldcache=$(chroot "$R" ldconfig -p)
drivers=0
for f in "$R"/etc/OpenCL/vendors/*.icd; do
  [[ -f $f ]] || continue
  lib=$(head -n1 "$f")
  found=""
  if [[ $lib == /* ]]; then [[ -e $R$lib ]] && found=$lib
  else  # a bare name: the library directories, as dlopen searches them, or the ld.so cache
    for d in /usr/local/lib /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib /usr/lib; do
      [[ -e $R$d/$lib ]] && { found=$d/$lib; break; }
    done
    [[ -n $found ]] || found=$(awk -v l="$lib" '$1==l {print $NF; exit}' <<<"$ldcache")
  fi
  if [[ -n $found ]]; then
    pass "OpenCL ICD ${f##*/} -> $found"; drivers=$((drivers + 1))
  else
    say "  note  OpenCL ICD ${f##*/} -> $lib is not in the image (the loader skips it unless a runtime injects it)"
  fi
done
(( drivers > 0 )) || die "no OpenCL driver in the image: no ICD file in /etc/OpenCL/vendors names a library that is there"

# compose.yaml agrees with the Dockerfile (python3 with PyYAML, when there).
PY=python3; [[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3
if "$PY" -c 'import yaml' 2>/dev/null; then
  "$PY" - "$DATA" "$PORT" "$(jq -cn '$ARGS.positional' --args "${HEALTH[@]}")" <<'PY' || die "deploy/compose.yaml disagrees with the Dockerfile"
import json, sys, yaml
data, port, health = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
svc = yaml.safe_load(open("deploy/compose.yaml"))["services"]["hpclab"]
gpu = yaml.safe_load(open("deploy/compose.gpu.yaml"))["services"]["hpclab"]
targets = [v.split(":")[1] if isinstance(v, str) else v["target"] for v in svc["volumes"]]
assert data in targets, f"no volume at {data}: {targets}"
ports = [str(p).rsplit(":", 1)[-1] if not isinstance(p, dict) else str(p["target"]) for p in svc["ports"]]
assert port in ports, f"container port {port} not published: {svc['ports']}"
assert svc["healthcheck"]["test"] == ["CMD"] + health, f"healthcheck {svc['healthcheck']['test']} != {health}"
assert svc["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}, svc["build"]
assert svc.get("restart") and svc["deploy"]["resources"]["limits"], "restart policy and limits"
devs = gpu["deploy"]["resources"]["reservations"]["devices"]
assert any("gpu" in d["capabilities"] for d in devs), devs
assert "compute" in gpu["environment"]["NVIDIA_DRIVER_CAPABILITIES"]
PY
  pass "compose.yaml: volume at $DATA, port $PORT, the same healthcheck, restart and limits; compose.gpu.yaml reserves a GPU with compute"
else
  say "  skip  compose.yaml consistency: python3 with PyYAML is not installed"
fi

# Packages the RUN lines added to the base, with their installed sizes (KiB).
added=$(join -v2 -t$'\t' <(printf '%s\n' "$base_packages") \
  <(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Package}\t${Installed-Size}\n' | sort))
printf '%s\n' "$added" > "$RUN/added-packages.tsv"
say "  image: base $(du -sxm "$BASE" | cut -f1) MB + $(wc -l <<<"$added") packages" \
  "($(awk -F'\t' '{s+=$2} END{printf "%d", s/1024}' <<<"$added") MB installed) = $(du -sxm "$R" | cut -f1) MB"
say "  largest added: $(sort -t$'\t' -k2 -rn <<<"$added" | head -n 8 | awk -F'\t' '{printf "%s %dMB, ", $1, $2/1024}')"
say "  added packages: $(cut -f1 <<<"$added" | tr '\n' ' ')"

# -- run it as a container would ------------------------------------------------------------
step "server: ${ENTRYPOINT[*]} ${CMD[*]} as $RUN_USER, own network namespace, read-only root"
# compose.yaml: read_only root, tmpfs /tmp, the data volume writable.
for v in "${VOLUMES[@]}"; do mount --bind "$R$v" "$R$v"; done
mount -o remount,bind,ro "$R"
mount -t tmpfs -o nosuid,nodev,mode=1777,size=256m tmp "$R/tmp"
spec=$(userspec "$RUN_USER"); read -r -a uopts <<<"$spec"
mapfile -d '' envs < <(image_env 0)
URL=http://127.0.0.1:$PORT
netns() { nsenter --net="/proc/$SERVER_PID/ns/net" -- "$@"; }

# Starts ENTRYPOINT+CMD (log: $RUN/$1.log) in a new network namespace with only loopback,
# where it binds the image's 0.0.0.0:PORT; waits for /healthz.
start_server() {
  SERVER_LOG=$RUN/$1.log
  unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh \
    chroot "${uopts[@]}" "$R" /usr/bin/env -i -C "$WORKDIR" "${envs[@]}" "${ENTRYPOINT[@]}" "${CMD[@]}" \
    > "$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  local t; t=$(date +%s)
  sleep 0.2
  until [[ $(netns curl -s -o /dev/null -w '%{http_code}' "$URL/healthz" 2>/dev/null) == 200 ]]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { wait "$SERVER_PID" || true; die "the server exited during start"; }
    (( $(date +%s) - t < 60 )) || die "no 200 from /healthz within 60 s"
    sleep 0.3
  done
  pass "GET /healthz -> 200 $(netns curl -s "$URL/healthz") after $(elapsed "$t")"
}
# Sends STOPSIGNAL; the server must exit 0.
stop_server() {
  local t rc=0 pid=$SERVER_PID; t=$(date +%s)
  kill -s "$STOPSIGNAL" "$pid"
  wait "$pid" || rc=$?
  SERVER_PID=""
  [[ $rc == 0 ]] || die "after SIG$STOPSIGNAL the server exited $rc"
  pass "SIG$STOPSIGNAL -> the server (pid $pid) exited 0 in $(elapsed "$t")"
}
get() {  # get PATH -> body in $BODY, status in $CODE
  local out; out=$(netns curl -s -w '\n%{http_code}' "$@")
  CODE=${out##*$'\n'}; BODY=${out%$'\n'*}
}

start_server server
proc_uid=$(awk '/^Uid:/ {print $2}' "/proc/$SERVER_PID/status")
[[ $proc_uid == "$uid" ]] || die "the server runs as uid $proc_uid, not $uid"
pass "the server process (pid $SERVER_PID) runs as uid $proc_uid; $(grep -m1 -o 'listening on [^ ]*' "$SERVER_LOG")"

# The HEALTHCHECK, as Docker runs it: inside the container, its user and environment.
hc_out=$(netns chroot "${uopts[@]}" "$R" /usr/bin/env -i -C "$WORKDIR" "${envs[@]}" "${HEALTH[@]}" 2>&1) \
  || die "HEALTHCHECK ${HEALTH[*]} failed: $hc_out"
pass "HEALTHCHECK ${HEALTH[*]} -> exit 0 ($hc_out)"

get -o "$RUN/index.html" "$URL/"
[[ $CODE == 200 ]] && cmp -s "$RUN/index.html" "$R${ENVV[HPCLAB_PUBLIC_DIR]}/index.html" || die "GET / -> $CODE, not the public index.html"
pass "GET / -> 200, the public index.html"

get "$URL/questions?q=warp"
[[ $CODE == 200 ]] || die "GET /questions?q=warp -> $CODE"
first=$(jq -r '.results[0] | "\(.id) \(.slug)"' <<<"$BODY")
[[ $first == "9 "* ]] || die "GET /questions?q=warp: first result is '$first', not question 9"
pass "GET /questions?q=warp -> first result $first (of $(jq .total <<<"$BODY"))"

get "$URL/devices"
jq -e '.opencl.available == true and ([.opencl.platforms[].devices[]] | length) > 0' <<<"$BODY" >/dev/null \
  || die "GET /devices shows no OpenCL device: $(jq -c .opencl <<<"$BODY")"
pass "GET /devices -> OpenCL: $(jq -r '[.opencl.platforms[] | "\(.name): " + ([.devices[] | "\(.name) (\(.type), \(.compute_units) CUs)"] | join(", "))] | join("; ")' <<<"$BODY"); BLAS: $(jq -r '.blas.config' <<<"$BODY")"

matmul() {  # matmul BACKEND -> JOB_ID
  get -H 'Prefer: wait=60' -H 'Content-Type: application/json' -d "{\"n\":64,\"backend\":\"$1\"}" "$URL/jobs/matmul"
  [[ $CODE == 200 ]] || die "POST /jobs/matmul backend=$1 -> $CODE: $BODY"
  jq -e '.status == "succeeded" and .result.max_rel_error < 1e-4' <<<"$BODY" >/dev/null \
    || die "matmul backend=$1 did not succeed accurately: $(jq -c '{status,error,result}' <<<"$BODY")"
  JOB_ID=$(jq -r .id <<<"$BODY")
  pass "POST /jobs/matmul {n:64, backend:$1} -> 200 succeeded on $(jq -r '.result.device' <<<"$BODY"), max_rel_error $(jq -r .result.max_rel_error <<<"$BODY")$(jq -r 'if .timings.build_seconds then ", kernel build \(.timings.build_seconds * 1000 | floor) ms" else "" end' <<<"$BODY")"
}
matmul opencl
OPENCL_JOB=$JOB_ID
matmul blas
[[ -n $(find "$R$DATA/results" -name "$OPENCL_JOB*" 2>/dev/null) ]] || die "no result file for job $OPENCL_JOB under $DATA/results"
[[ $(find "$R$DATA" ! -uid "$uid" | wc -l) == 0 ]] || die "files in $DATA not owned by uid $uid: $(find "$R$DATA" ! -uid "$uid")"
pass "$DATA holds $(cd "$R$DATA" && ls | tr '\n' ' ')and $(find "$R$DATA/results" -type f | wc -l) result files, all owned by uid $uid"
stop_server

# A new server on the same volume (an upgrade keeps the data): the job and its result are there.
step "restart on the same data volume"
start_server server-restart
get "$URL/jobs/$OPENCL_JOB"
[[ $CODE == 200 && $(jq -r .status <<<"$BODY") == succeeded ]] || die "after the restart GET /jobs/$OPENCL_JOB -> $CODE $(jq -r .status <<<"$BODY" 2>/dev/null)"
get -o /dev/null -H 'Accept: application/x-npy' "$URL/jobs/$OPENCL_JOB/result"
[[ $CODE == 200 ]] || die "after the restart GET /jobs/$OPENCL_JOB/result -> $CODE"
pass "GET /jobs/$OPENCL_JOB -> succeeded, its .npy result -> 200, after the restart"
stop_server

step "deploy-check passed in $(elapsed)"
say "  packages: $RUNTIME_PACKAGES"
say "  logs: ${RUN#$REPO/}/server.log, server-restart.log, run-*.log; the root stays in ${R#$REPO/}"
