# Sourced by test.sh: prepares what the test suites need. Each scripts/deps-*.sh installs and
# starts one dependency (packages from Debian's registry when missing) and may define a
# function deps_<name>_stop; test.sh calls test_deps_stop at the end.
# Installs Debian packages that are missing (needs root or sudo; CI runs as root).
deps_apt_install() {
  local missing=()
  local p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
_deps_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_deps_stops=()
for _deps_file in "$_deps_root"/deps-*.sh; do
  [ -e "$_deps_file" ] || continue
  # shellcheck disable=SC1090
  source "$_deps_file" || return 1
  _deps_name="$(basename "$_deps_file" .sh)"; _deps_name="${_deps_name#deps-}"
  if declare -F "deps_${_deps_name}_stop" >/dev/null; then _deps_stops+=("deps_${_deps_name}_stop"); fi
done
test_deps_stop() {
  local f
  for f in "${_deps_stops[@]}"; do "$f" || true; done
}
