#!/bin/sh
# /usr/bin/rigshift in the deb: the `rigshift` command (detect, bench, headless, run-job)
# run by the app's own Electron binary in Node mode, so the package needs no separate
# Node.js and the native modules (rebuilt for Electron) match. The desktop app itself is
# /usr/bin/rigshift-desktop.
APP_DIR=/opt/RigShift
export ELECTRON_RUN_AS_NODE=1
export RIGSHIFT_RESOURCES_DIR="$APP_DIR/resources"
exec "$APP_DIR/rigshift-desktop" "$APP_DIR/resources/app.asar/dist/cli/rigshift.mjs" "$@"
