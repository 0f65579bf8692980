#!/bin/sh
# deb post-install (electron-builder `deb.afterInstall`; replaces its default template, whose
# two steps are the first two below).
set -e
APP_DIR=/opt/RigShift
RES="$APP_DIR/resources"

# 1. The desktop app on PATH, and Chromium's sandbox helper setuid root (as Electron needs
#    when unprivileged user namespaces are off).
ln -sf "$APP_DIR/rigshift-desktop" /usr/bin/rigshift-desktop
if [ -f "$APP_DIR/chrome-sandbox" ]; then
  chown root:root "$APP_DIR/chrome-sandbox"
  chmod 4755 "$APP_DIR/chrome-sandbox"
fi

# 2. The `rigshift` command (CLI and headless agent).
install -o root -g root -m 0755 "$RES/linux/rigshift-cli.sh" /usr/bin/rigshift

# 3. The power helper, root-owned and not writable by anyone else (resources/power-helper/README.md):
#    installed, but allowed to no one until the owner opts in (group + sudoers rule below).
install -d -o root -g root -m 0755 /usr/lib/rigshift
install -o root -g root -m 0755 "$RES/power-helper/rigshift-power-helper" /usr/lib/rigshift/rigshift-power-helper
install -d -o root -g root -m 0755 /usr/share/polkit-1/actions
install -o root -g root -m 0644 "$RES/power-helper/io.rigshift.power-helper.policy" /usr/share/polkit-1/actions/io.rigshift.power-helper.policy
getent group rigshift >/dev/null 2>&1 || groupadd --system rigshift
# Members of the `rigshift` group may run the helper (and only it) without a password.
# Add yourself with: sudo usermod -aG rigshift "$USER" (then log in again).
RULE=/etc/sudoers.d/rigshift-power-helper
printf '%%rigshift ALL=(root) NOPASSWD: /usr/lib/rigshift/rigshift-power-helper\n' > "$RULE.tmp"
chmod 0440 "$RULE.tmp"
if visudo -cf "$RULE.tmp" >/dev/null 2>&1; then mv "$RULE.tmp" "$RULE"; else rm -f "$RULE.tmp"; fi

# 4. The systemd user unit for headless rigs (enabled by each user: systemctl --user enable --now rigshift).
install -d -m 0755 /usr/lib/systemd/user
install -o root -g root -m 0644 "$RES/systemd/rigshift.service" /usr/lib/systemd/user/rigshift.service

if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q /usr/share/applications || true; fi
exit 0
