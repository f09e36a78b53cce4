#!/usr/bin/env bash
# The Debian packages `make test` needs beyond Python: PostgreSQL (the second test run),
# Chromium (the browser tests), CJK fonts (so pages, screenshots and PDFs show Chinese), the
# Pango libraries WeasyPrint's wheel loads (the ballot code sheet PDF; as Debian's weasyprint
# package depends on them) and poppler-utils (pdftotext/pdfinfo, to check PDFs in tests).
# A machine that has them all installs nothing and never calls apt.
#
# `system-deps.sh run` installs only what the running application needs (fonts and the
# PDF libraries), for `make run`; without an argument, everything `make test` needs.
set -euo pipefail

packages=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 shared-mime-info)
if [ "${1:-test}" != run ]; then
  packages+=(postgresql chromium poppler-utils)
fi
missing=()
for p in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]; then
    missing+=("$p")
  fi
done
if [ "${1:-test}" != run ] && ! command -v chromium >/dev/null 2>&1 \
    && [[ " ${missing[*]} " != *" chromium "* ]]; then
  missing+=(chromium)
fi
# `python3 -m venv` needs ensurepip, which Debian ships separately
if ! python3 -c "import ensurepip" >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || {
    echo "缺少 Debian 软件包：${missing[*]}（请以 root 运行：apt-get install -y ${missing[*]}）" >&2
    exit 1
  }
  sudo=(sudo)
fi
echo "安装 Debian 软件包：${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null

# A fresh postgresql package may start its cluster; stop it so that the test run owns
# starting and stopping the server (scripts/with-postgres.sh).
if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v pg_lsclusters >/dev/null; then
  pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _ status _; do
    if [[ $status == online* ]]; then
      "${sudo[@]}" pg_ctlcluster "$version" "$cluster" stop -m fast || true
    fi
  done
fi
