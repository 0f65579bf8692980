#!/bin/sh
# deb post-remove: undo after-install.sh (the `rigshift` group and the data folders stay).
set -e
rm -f /usr/bin/rigshift-desktop /usr/bin/rigshift
rm -f /etc/sudoers.d/rigshift-power-helper
rm -f /usr/share/polkit-1/actions/io.rigshift.power-helper.policy
rm -f /usr/lib/rigshift/rigshift-power-helper
rmdir /usr/lib/rigshift 2>/dev/null || true
rm -f /usr/lib/systemd/user/rigshift.service
exit 0
