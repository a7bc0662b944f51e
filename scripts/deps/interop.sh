# The system headers of the interop features (gl, egl, vdpau), from Debian when the C compiler
# cannot include them.
INTEROP_HEADERS=("GL/gl.h libgl-dev" "EGL/egl.h libegl-dev" "EGL/eglext.h libegl-dev" "vdpau/vdpau.h libvdpau-dev")
ensure_interop_headers() {
  local missing=() h pkg w
  for w in "${INTEROP_HEADERS[@]}"; do
    read -r h pkg <<<"$w"
    printf '#include <%s>\n' "$h" | "${CC:-cc}" -E -x c - >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  say "no GL, EGL or VDPAU headers for the interop features"
  apt_install "${missing[@]}"
}
