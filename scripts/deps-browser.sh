# Sourced by scripts/test-deps.sh: installs headless Chromium and its WebDriver from Debian's
# packages for the console's browser tests (tests/Safeguard.Console.Tests/Browser). The tests
# start and stop the browser themselves; nothing keeps running afterwards.
deps_apt_install chromium chromium-driver || { echo "deps-browser: could not install chromium and chromium-driver" >&2; return 1; }
