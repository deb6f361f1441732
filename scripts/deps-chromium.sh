# Sourced by scripts/test-deps.sh: headless Chromium for the HTML rendering test (transparency report).
# Installs Debian's chromium when missing and exports its path as SAFEGUARD_CHROMIUM. If it cannot be
# installed the run goes on: the test then skips locally and fails on CI (CI=true), naming the reason.
if ! command -v chromium >/dev/null 2>&1; then
  deps_apt_install chromium || echo "deps-chromium: chromium could not be installed; the HTML rendering test will skip locally and fail on CI" >&2
fi
if command -v chromium >/dev/null 2>&1; then
  SAFEGUARD_CHROMIUM="$(command -v chromium)"
  export SAFEGUARD_CHROMIUM
fi
