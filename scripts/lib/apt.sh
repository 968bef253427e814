# Sourced by the install scripts: installs Debian packages that are missing, and keeps a package
# installed for its tools from leaving its daemon running. Nothing is downloaded but packages.

# apt_install_missing TAG PACKAGE...: installs the packages not installed yet (apt-get update
# first, and only then: with everything installed it needs no network). Sets APT_INSTALLED to
# the packages this run installed. TAG prefixes the message saying what is being installed.
apt_install_missing() {
  local tag=$1 package
  shift
  APT_INSTALLED=()
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      APT_INSTALLED+=("$package")
    fi
  done
  [ "${#APT_INSTALLED[@]}" -eq 0 ] && return 0
  echo "$tag: installing ${APT_INSTALLED[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt_as_root apt-get update -qq
  apt_as_root apt-get install -y -qq --no-install-recommends "${APT_INSTALLED[@]}"
}

# apt_stop_service_of PACKAGE SERVICE: when this run installed PACKAGE on a host run by
# systemd, stops and disables the SERVICE its installation started.
apt_stop_service_of() {
  local package=$1 service=$2
  [[ " ${APT_INSTALLED[*]} " == *" $package "* ]] || return 0
  command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ] || return 0
  apt_as_root systemctl disable --now "$service" >/dev/null 2>&1 || true
}

apt_as_root() {
  if [ "$(id -u)" -ne 0 ]; then
    sudo "$@"
  else
    "$@"
  fi
}
