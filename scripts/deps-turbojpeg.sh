# Sourced by scripts/test-deps.sh: the system's SIMD libjpeg-turbo for the fast JPEG path
# (libturbojpeg0, loaded by Safeguard.Imaging at run time) and djpeg (libjpeg-turbo-progs) for
# benchmarks/hash-vs-djpeg.sh. If they cannot be installed the run goes on: JPEG then decodes
# through SkiaSharp, the decoder-agreement tests skip locally, and they fail on CI (CI=true).
deps_apt_install libturbojpeg0 libjpeg-turbo-progs \
  || echo "deps-turbojpeg: libturbojpeg0 could not be installed; JPEG decodes through SkiaSharp and the TurboJPEG tests skip locally and fail on CI" >&2
