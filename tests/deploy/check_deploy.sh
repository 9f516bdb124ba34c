#!/usr/bin/env bash
# Offline checks of ptrd's deployment material: Kubernetes manifests (kustomize base,
# components, overlays, the GitOps example's clusters), alert rules (plain file and PrometheusRule), promtool unit tests,
# the Grafana dashboard, the Dockerfile and examples/gitops.
#   tests/deploy/check_deploy.sh [PTRD_BINARY]
# Registered in CTest as deploy.check (label deploy) with the built binary. Needs
# kubectl (its built-in kustomize renders offline), promtool (Debian package
# prometheus), node + the pinned npm packages (tests/deploy/npm-install.sh), and
# nothing from the network. Prints 'deploy: N passed, M failed[, K skipped]'.
set -uo pipefail   # no -e: every check runs and is counted
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ptrd="$(realpath "${1:-$root/build/cmd/ptrd}")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

passed=0 failed=0 skipped=0
# check NAME CMD...: runs CMD with its output captured; prints it only on failure.
check() {
  local name="$1"; shift
  if "$@" > "$tmp/out" 2>&1; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/     /' "$tmp/out"
    return 1
  fi
}
skip() { skipped=$((skipped + 1)); echo "skip $1: $2"; }
need() { command -v "$1" >/dev/null || { echo "FAIL $1 not found: $2"; failed=$((failed + 1)); return 1; }; }

tools=1
need kubectl "kubectl kustomize renders the manifests (the google-cloud-cli kubectl of this machine kind; Debian's kubernetes-client 1.20 carries a kustomize too old for this kustomization)" || tools=0
need promtool "install the Debian package prometheus (scripts/install-deps.sh)" || tools=0
need node "Node.js runs the schema checks" || tools=0
[ -x "$ptrd" ] || { echo "FAIL ptrd binary not found at $ptrd (pass it as the first argument)"; failed=$((failed + 1)); tools=0; }
if [ "$tools" = 1 ]; then
  check "npm packages installed (pinned by package-lock.json)" bash "$here/npm-install.sh"
fi
nodecheck() { node "$here/checks.mjs" "$@"; }

# --- Kubernetes manifests ------------------------------------------------------
render() { kubectl kustomize "$1" > "$tmp/$2.yaml"; }
render_component() {  # NAME: the base plus that one component, as a user would add it
  local k="$tmp/with-$1"
  mkdir -p "$k"
  # kustomize takes only relative paths to other kustomizations.
  printf 'resources: ["%s"]\ncomponents: ["%s"]\n' "$(realpath --relative-to="$k" "$root/manifests/base")" \
    "$(realpath --relative-to="$k" "$root/manifests/components/$1")" > "$k/kustomization.yaml"
  kubectl kustomize "$k" > "$tmp/component-$1.yaml"
}
validate_mappings() {  # mapping files exactly as the pod sees them
  rm -rf "$tmp/pod-$1" && nodecheck extract "$tmp/$1.yaml" "$tmp/pod-$1" && "$ptrd" validate "$tmp/pod-$1/etc/ptrd/mappings/"
}
config_loads() {
  # Loads the pod's ptrd.yaml with the real binary: paths moved under a temp root,
  # then `ptrd plan` inside `unshare -n` (a network namespace with no interface up)
  # so the provider and DNS calls fail at once and nothing leaves the machine. A
  # config error reads "ptrd.yaml:LINE:COL: reason"; anything after loading is fine.
  local pod="$tmp/pod-$1"
  sed -e "s#/etc/ptrd/#$pod/etc/ptrd/#g" -e "s#/var/lib/ptrd/#$pod/var/lib/ptrd/#g" \
    "$pod/etc/ptrd/config/ptrd.yaml" > "$pod/ptrd.yaml"
  mkdir -p "$pod/etc/ptrd/secrets" "$pod/var/lib/ptrd"
  printf 'dummy' > "$pod/etc/ptrd/secrets/api-key"; printf 'dummy' > "$pod/etc/ptrd/secrets/token"
  local rc=0
  timeout 60 unshare -n "$ptrd" plan -c "$pod/ptrd.yaml" -o json > "$pod/plan.out" 2>&1 || rc=$?
  cat "$pod/plan.out"
  [ "$rc" -ne 124 ] || { echo "timed out"; return 1; }
  ! grep -E 'ptrd\.yaml:[0-9]+:' "$pod/plan.out"
}
# check_deployable NAME DIR LABEL: a complete deployment (overlay or example cluster).
deployable=()
check_deployable() {
  local name="$1" dir="$2" label="$3"
  check "kustomize renders $label" render "$dir" "$name" || return 0
  deployable+=("$tmp/$name.yaml")
  check "$label: schemas + pod security + probes + config" nodecheck manifests "$tmp/$name.yaml"
  check "$label: ptrd validate of the mounted mappings" validate_mappings "$name"
  if unshare -n true 2>/dev/null; then
    check "$label: ptrd loads the mounted ptrd.yaml" config_loads "$name"
  else
    skip "$label: config load" "unshare -n not permitted (needs root)"
  fi
}
if [ "$tools" = 1 ]; then
  if check "kustomize renders manifests/base" render "$root/manifests/base" base; then
    check "manifests/base: schemas + pod security; no example data, no opt-in objects" \
      nodecheck manifests --base "$tmp/base.yaml"
  fi
  for comp in monitoring networkpolicy; do
    if check "kustomize renders manifests/base + components/$comp" render_component "$comp"; then
      check "manifests/components/$comp: schemas, adds only its objects" nodecheck component "$comp" "$tmp/component-$comp.yaml"
    fi
  done
  for dir in "$root"/manifests/overlays/*/; do
    dir="${dir%/}"; check_deployable "overlay-${dir##*/}" "$dir" "manifests/overlays/${dir##*/}"
  done

  # --- Alert rules -------------------------------------------------------------
  check "PrometheusRule is generated from monitoring/rules/ptrd.rules.yaml" \
    diff -u "$root/manifests/components/monitoring/prometheusrule.yaml" <(bash "$root/monitoring/gen-prometheusrule.sh" --stdout)
  if [ "${#deployable[@]}" -gt 0 ]; then
    check "rendered PrometheusRules equal the plain rules; rule hygiene" \
      nodecheck rules "$root/monitoring/rules/ptrd.rules.yaml" "${deployable[@]}"
  fi
  check "promtool check rules + test rules (every alert firing and not)" bash "$root/monitoring/test-rules.sh"
  check "Grafana dashboard ConfigMap is generated from monitoring/dashboards/ptrd.json" \
    diff -u "$root/manifests/components/monitoring/dashboard.yaml" <(bash "$root/monitoring/gen-dashboard-configmap.sh" --stdout)
  name_prefix() {  # the lab overlay under namePrefix: team-; PtrdDown must still fire
    local k="$tmp/prefixed"
    mkdir -p "$k"
    printf 'namePrefix: team-\nresources: ["%s"]\n' "$(realpath --relative-to="$k" "$root/manifests/overlays/lab")" \
      > "$k/kustomization.yaml"
    kubectl kustomize "$k" > "$tmp/prefixed.yaml" && nodecheck nameprefix "$tmp/prefixed.yaml" "$k/promtool" &&
      promtool test rules "$k/promtool/test.yaml"
  }
  check "namePrefix: team-: PtrdDown still matches the renamed Service's job (promtool)" name_prefix

  # --- Dashboard -----------------------------------------------------------------
  check "dashboard JSON parses, uses only (and all) contract metrics" \
    nodecheck dashboard "$root/monitoring/dashboards/ptrd.json"
fi

# --- Dockerfile -------------------------------------------------------------------
# Package names a stage installs: the words after --no-install-recommends of its RUN.
stage_packages() {  # stage_packages N  (1 = first FROM)
  awk -v want="$1" '
    /^FROM / { stage++ }
    stage == want { sub(/\\$/, ""); printf "%s ", $0 }
  ' "$root/Dockerfile" | grep -o -- '--no-install-recommends[^&]*' | sed 's/--no-install-recommends//' | tr ' ' '\n' | grep -v '^$' | sort -u
}
dockerfile_shape() {
  local f="$root/Dockerfile"
  grep -qE '^FROM debian:12 AS build$' "$f" || { echo "build stage must be FROM debian:12 AS build"; return 1; }
  grep -qE '^FROM debian:12-slim$' "$f" || { echo "runtime stage must be FROM debian:12-slim"; return 1; }
  [ "$(grep -c '^FROM ' "$f")" = 2 ] || { echo "expected two stages"; return 1; }
  # After the last FROM: numeric non-root USER and the exec-form ENTRYPOINT.
  sed -n '/^FROM debian:12-slim/,$p' "$f" > "$tmp/runtime.stage"
  grep -qE '^USER 65532(:65532)?$' "$tmp/runtime.stage" || { echo "runtime USER must be 65532"; return 1; }
  grep -qF 'ENTRYPOINT ["/usr/local/bin/ptrd"]' "$tmp/runtime.stage" || { echo 'ENTRYPOINT ["/usr/local/bin/ptrd"] missing'; return 1; }
  # Every -DPTRD_* option the build uses exists in CMakeLists.txt.
  # shellcheck disable=SC2013  # one option name per word
  for opt in $(grep -o -- '-DPTRD_[A-Z_]*' "$f" | sed 's/^-D//' | sort -u); do
    grep -q "option($opt " "$root/CMakeLists.txt" || { echo "Dockerfile sets unknown CMake option $opt"; return 1; }
  done
  # .dockerignore keeps local builds and node_modules out of the context.
  if ! grep -qx 'build\*/' "$root/.dockerignore" || ! grep -q 'node_modules' "$root/.dockerignore"; then
    echo ".dockerignore must exclude build*/ and node_modules"; return 1
  fi
}
build_stage_has_install_deps_libraries() {
  # The "# libraries" lines of scripts/install-deps.sh, up to the next comment.
  awk '/^ *# libraries/ { on = 1; next } on && /^ *#/ { on = 0 } on' "$root/scripts/install-deps.sh" \
    | tr ' ' '\n' | grep -v '^$' | sort -u > "$tmp/deps.libs"
  [ -s "$tmp/deps.libs" ] || { echo "no '# libraries' section found in scripts/install-deps.sh"; return 1; }
  stage_packages 1 > "$tmp/build.pkgs"
  local missing; missing="$(comm -23 "$tmp/deps.libs" "$tmp/build.pkgs")"
  [ -z "$missing" ] || { echo "build stage lacks: $missing"; return 1; }
}
runtime_stage_covers_binary() {
  # Every shared library the binary loads (ldd) must come from a package that the
  # runtime stage installs, directly or as a dependency, or from debian:12-slim's
  # own essential set. apt-cache works offline from the local package lists.
  stage_packages 2 > "$tmp/runtime.pkgs"
  { cat "$tmp/runtime.pkgs"; echo libc6 libgcc-s1 libstdc++6 zlib1g | tr ' ' '\n'; } > "$tmp/roots"
  # shellcheck disable=SC2046
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
    --no-enhances $(cat "$tmp/roots") 2>/dev/null | grep -E '^[a-z0-9]' | sed 's/:.*//' | sort -u > "$tmp/closure"
  local bad=0 lib pkg cand
  # Sanitizer runtimes (CI tests an ASan+UBSan build) are never in the image.
  ldd "$ptrd" | awk '/=> \// { print $3 } /^\s*\/.*ld-linux/ { print $1 }' |
    grep -Ev '/lib(asan|ubsan|lsan|tsan)\.so' > "$tmp/libs"
  # dpkg records a file under /lib or /usr/lib (merged /usr): ask for every form in
  # one dpkg -S call (it is slow per call), then look each library up.
  while read -r lib; do
    printf '%s\n' "$lib" "/usr$lib" "${lib#/usr}" "$(readlink -f "$lib")"
  done < "$tmp/libs" | sort -u > "$tmp/cands"
  xargs dpkg -S < "$tmp/cands" 2>/dev/null | sed -E 's/^([^:,]+)[^ ]*: /\1 /' > "$tmp/owners" || true
  while read -r lib; do
    pkg=""
    for cand in "$lib" "/usr$lib" "${lib#/usr}" "$(readlink -f "$lib")"; do
      pkg="$(awk -v p="$cand" '$2 == p { print $1; exit }' "$tmp/owners")"
      [ -z "$pkg" ] || break
    done
    if [ -z "$pkg" ]; then echo "$lib: no Debian package owns it"; bad=1; continue; fi
    grep -qx "$pkg" "$tmp/closure" || { echo "$lib ($pkg) is not installed by the runtime stage"; bad=1; }
  done < "$tmp/libs"
  # And every runtime package is known to apt (a typo would fail the image build):
  # apt-cache depends lists only packages it knows.
  while read -r pkg; do
    grep -qx "$pkg" "$tmp/closure" || { echo "runtime package $pkg unknown to apt"; bad=1; }
  done < "$tmp/runtime.pkgs"
  return "$bad"
}
check "Dockerfile: two stages, USER 65532, ENTRYPOINT, CMake options" dockerfile_shape
check "Dockerfile: build stage installs install-deps.sh's libraries" build_stage_has_install_deps_libraries
if [ -x "$ptrd" ]; then
  check "Dockerfile: runtime stage covers the binary's ldd libraries" runtime_stage_covers_binary
fi

# --- examples/gitops --------------------------------------------------------------
examples_validate() {
  # The top-level examples, and the GitOps repository through its own CI script.
  "$ptrd" validate "$root/examples/mappings/" "$root/examples/ptrd.yaml" &&
    (cd "$root/examples/gitops" && PTRD="$ptrd" bash ci/validate.sh)
}
gitops_ci_files() {
  local gh="$root/examples/gitops/.github/workflows/ptrd.yaml" gl="$root/examples/gitops/.gitlab-ci.yml"
  node -e '
    const YAML = require(process.argv[1]);
    for (const f of process.argv.slice(2)) YAML.parse(require("fs").readFileSync(f, "utf8"));
  ' "$here/node_modules/yaml/dist/index.js" "$gh" "$gl"
  for f in "$gh" "$gl"; do
    grep -q 'ci/validate.sh' "$f" || { echo "$f: does not run ci/validate.sh"; return 1; }
    grep -q 'ci/plan.sh' "$f" || { echo "$f: does not run ci/plan.sh"; return 1; }
    grep -q 'ci/comment.sh' "$f" || { echo "$f: does not run ci/comment.sh"; return 1; }
  done
  # Plan's exit 2 (changes pending) must not fail the pipeline.
  grep -qE '^ *0 \| 2\) exit 0' "$root/examples/gitops/ci/plan.sh" || { echo "ci/plan.sh must pass exits 0 and 2"; return 1; }
}
# The example's deploy/<env>/ use ptrd's manifests as remote bases; render a copy
# that points at this checkout's manifests/ instead (offline).
gitops_local_copy() {
  rm -rf "$tmp/gitops" && cp -r "$root/examples/gitops" "$tmp/gitops"
  local rel; rel="$(realpath --relative-to="$tmp/gitops/deploy/production" "$root/manifests")"
  sed -i "s#https://github.com/example-org/ptrd//manifests/\([a-z/]*\)?ref=v0.1.0#$rel/\1#" \
    "$tmp/gitops"/deploy/*/kustomization.yaml
  ! grep -n 'https://' "$tmp/gitops"/deploy/*/kustomization.yaml
}
if [ -x "$ptrd" ]; then
  check "ptrd validate examples/ + the GitOps repository's ci/validate.sh" examples_validate
fi
if [ "$tools" = 1 ]; then
  check "examples/gitops CI workflows parse and run the ci/ scripts" gitops_ci_files
  check "examples/gitops: clusters/<env> Flux + Argo CD point at deploy/<env>; CI config == pod config" \
    nodecheck gitops "$root/examples/gitops"
  if check "examples/gitops: a local copy of deploy/ (remote bases -> this checkout)" gitops_local_copy; then
    for dir in "$tmp"/gitops/deploy/*/; do
      dir="${dir%/}"; check_deployable "gitops-${dir##*/}" "$dir" "examples/gitops/deploy/${dir##*/}"
    done
    check "examples/gitops: rendered PrometheusRules equal the plain rules" \
      nodecheck rules "$root/monitoring/rules/ptrd.rules.yaml" "$tmp"/gitops-*.yaml
  fi
fi

echo "deploy: $passed passed, $failed failed$([ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
[ "$failed" -eq 0 ]
