#!/bin/sh
# Installs ot3c: the binary (dist/ot3c, built by `npm run build`) to $PREFIX/bin, the systemd unit, and an
# example configuration to /etc/ot3c/ot3c.yaml if none exists yet. Idempotent: running it again updates the
# binary and the unit and never touches an existing configuration.
#
#   sudo scripts/install.sh                      # /usr/local/bin/ot3c, /etc/systemd/system/ot3c.service
#   scripts/install.sh --prefix /opt/ot3c        # binary under /opt/ot3c/bin (the unit's ExecStart follows)
#   DESTDIR=/tmp/pkgroot scripts/install.sh      # stage into a directory (packaging, tests); no systemctl
#   scripts/install.sh --binary path/to/ot3c     # install another build
set -eu

PREFIX=/usr/local
BINARY=""
NO_SYSTEMCTL=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --prefix=*) PREFIX="${1#--prefix=}"; shift ;;
    --binary) BINARY="$2"; shift 2 ;;
    --binary=*) BINARY="${1#--binary=}"; shift ;;
    --no-systemctl) NO_SYSTEMCTL=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
DESTDIR=${DESTDIR:-}
[ -n "$BINARY" ] || BINARY="$ROOT/dist/ot3c"
if [ ! -x "$BINARY" ]; then
  echo "install.sh: $BINARY not found or not executable; run \`npm run build\` first" >&2
  exit 1
fi

BIN_DIR="$DESTDIR$PREFIX/bin"
UNIT_DIR="$DESTDIR/etc/systemd/system"
CONF_DIR="$DESTDIR/etc/ot3c"
DOC_DIR="$DESTDIR$PREFIX/share/doc/ot3c"

install -d -m 0755 "$BIN_DIR" "$UNIT_DIR" "$DOC_DIR"
install -d -m 0750 "$CONF_DIR"
# Copy to a temporary name and rename: a running daemon keeps its old inode, no "text file busy".
install -m 0755 "$BINARY" "$BIN_DIR/.ot3c.new"
mv -f "$BIN_DIR/.ot3c.new" "$BIN_DIR/ot3c"

sed "s#/usr/local/bin/ot3c#$PREFIX/bin/ot3c#g; s#/usr/local/share/doc/ot3c#$PREFIX/share/doc/ot3c#g" \
  "$HERE/ot3c.service" > "$UNIT_DIR/.ot3c.service.new"
chmod 0644 "$UNIT_DIR/.ot3c.service.new"
mv -f "$UNIT_DIR/.ot3c.service.new" "$UNIT_DIR/ot3c.service"

[ -f "$ROOT/docs/control-socket.md" ] && install -m 0644 "$ROOT/docs/control-socket.md" "$DOC_DIR/control-socket.md"

if [ -e "$CONF_DIR/ot3c.yaml" ]; then
  echo "kept existing $CONF_DIR/ot3c.yaml"
else
  # The binary writes its own commented example, so it always matches this version's schema.
  "$BIN_DIR/ot3c" generate-config --out "$CONF_DIR/ot3c.yaml" >/dev/null
  # Members of group ot3c reach the control socket (the unit runs as ot3c:ot3c, state directory 0750).
  sed -i 's/^# socket-group: ot3c$/socket-group: ot3c/' "$CONF_DIR/ot3c.yaml"
  chmod 0640 "$CONF_DIR/ot3c.yaml"
  echo "wrote example $CONF_DIR/ot3c.yaml (edit it: credentials, target-budget; keep enforce: false until verified)"
fi

# The service's system user and group (the unit's User=/Group=); operators join the group to use the socket.
if [ -z "$DESTDIR" ] && [ "$(id -u)" = 0 ] && ! getent passwd ot3c >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/ot3c --no-create-home --shell /usr/sbin/nologin ot3c
  echo "created system user and group ot3c"
fi
# The service reads its configuration as group ot3c (0640).
if [ -z "$DESTDIR" ] && getent group ot3c >/dev/null 2>&1; then chgrp ot3c "$CONF_DIR" "$CONF_DIR/ot3c.yaml" 2>/dev/null || true; fi

echo "installed $BIN_DIR/ot3c and $UNIT_DIR/ot3c.service"
echo "operators who may approve/veto/postpone: usermod -aG ot3c NAME (then log in again)"
if [ -z "$DESTDIR" ] && [ "$NO_SYSTEMCTL" = 0 ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  echo "next: ot3c verify --config /etc/ot3c/ot3c.yaml && systemctl enable --now ot3c"
fi
