/**
 * A fake game for the X11 full-screen path: a private Xvfb on a free display number, and a
 * small X11 client (libX11 through koffi, in a child process) that opens a window named like
 * a game and, on command, switches it full screen and back.
 *
 * No window manager is installed here, and RigShift's detector reads what an EWMH window
 * manager publishes: _NET_ACTIVE_WINDOW on the root window and _NET_WM_STATE on that window
 * (fullscreen.ts, through xprop). So the client does what the window manager would do on
 * a real desktop, with the same property types (WINDOW, ATOM, UTF8_STRING): it sets its own
 * _NET_WM_STATE to _NET_WM_STATE_FULLSCREEN, resizes itself to the screen, and points the
 * root's _NET_ACTIVE_WINDOW at itself. The detector under test is the real one, unchanged.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface XServer {
  display: string;
  stop(): void;
}

/** Starts Xvfb on the first free display number from 90 up and waits until it answers. */
export async function startXvfb(width = 1280, height = 720): Promise<XServer> {
  for (let n = 90; n < 190; n += 1) {
    if (existsSync(`/tmp/.X${n}-lock`) || existsSync(`/tmp/.X11-unix/X${n}`)) continue;
    const display = `:${n}`;
    const server = spawn('Xvfb', [display, '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp'], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    for (let i = 0; i < 100; i += 1) {
      if (server.exitCode !== null) break;
      try {
        execFileSync('xdpyinfo', ['-display', display], { stdio: 'pipe', timeout: 2_000 });
        return {
          display,
          stop: () => {
            server.kill('SIGTERM');
            void exited;
          },
        };
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    server.kill('SIGKILL'); // lost a race for that number, or did not start: try the next one
  }
  throw new Error('no free X display number between :90 and :189');
}

/** The client, as plain ESM run by node; it answers each command with the epoch ms it acted at. */
const CLIENT = String.raw`
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
const koffi = createRequire(process.env.KOFFI_FROM)('koffi');
const x = koffi.load('libX11.so.6');
const XOpenDisplay = x.func('void *XOpenDisplay(const char *name)');
const XDefaultRootWindow = x.func('unsigned long XDefaultRootWindow(void *dpy)');
const XDisplayWidth = x.func('int XDisplayWidth(void *dpy, int screen)');
const XDisplayHeight = x.func('int XDisplayHeight(void *dpy, int screen)');
const XCreateSimpleWindow = x.func('unsigned long XCreateSimpleWindow(void *dpy, unsigned long parent, int x, int y, unsigned int w, unsigned int h, unsigned int bw, unsigned long border, unsigned long bg)');
const XInternAtom = x.func('unsigned long XInternAtom(void *dpy, const char *name, int onlyIfExists)');
const XChangeProperty = x.func('int XChangeProperty(void *dpy, unsigned long w, unsigned long property, unsigned long type, int format, int mode, void *data, int n)');
const XDeleteProperty = x.func('int XDeleteProperty(void *dpy, unsigned long w, unsigned long property)');
const XMoveResizeWindow = x.func('int XMoveResizeWindow(void *dpy, unsigned long w, int x, int y, unsigned int width, unsigned int height)');
const XMapWindow = x.func('int XMapWindow(void *dpy, unsigned long w)');
const XSync = x.func('int XSync(void *dpy, int discard)');
const XA_WINDOW = 33, XA_ATOM = 4, PropModeReplace = 0;
const dpy = XOpenDisplay(process.env.DISPLAY);
if (!dpy) { console.log('error cannot open display'); process.exit(1); }
const root = XDefaultRootWindow(dpy);
const [W, H] = [XDisplayWidth(dpy, 0), XDisplayHeight(dpy, 0)];
const win = XCreateSimpleWindow(dpy, root, 100, 100, 320, 200, 0, 0, 0);
const atom = (name) => XInternAtom(dpy, name, 0);
const longs = (values) => { const b = Buffer.alloc(8 * values.length); values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 8 * i)); return b; };
const title = Buffer.from(process.env.GAME_TITLE, 'utf8');
XChangeProperty(dpy, win, atom('_NET_WM_NAME'), atom('UTF8_STRING'), 8, PropModeReplace, title, title.length);
XMapWindow(dpy, win);
const setActive = () => XChangeProperty(dpy, root, atom('_NET_ACTIVE_WINDOW'), XA_WINDOW, 32, PropModeReplace, longs([win]), 1);
setActive();
XSync(dpy, 0);
const now = () => performance.timeOrigin + performance.now();
console.log('ready 0x' + win.toString(16));
createInterface({ input: process.stdin }).on('line', (command) => {
  const at = now();
  if (command === 'fullscreen') {
    XMoveResizeWindow(dpy, win, 0, 0, W, H);
    XChangeProperty(dpy, win, atom('_NET_WM_STATE'), XA_ATOM, 32, PropModeReplace, longs([atom('_NET_WM_STATE_FULLSCREEN')]), 1);
    setActive();
  } else if (command === 'windowed') {
    XDeleteProperty(dpy, win, atom('_NET_WM_STATE'));
    XMoveResizeWindow(dpy, win, 100, 100, 320, 200);
  }
  XSync(dpy, 0);
  console.log('done ' + at);
});
`;

export interface FakeGame {
  windowId: string;
  title: string;
  /** Switches full screen; resolves with the epoch ms (performance.timeOrigin-based) at which it started. */
  fullscreen(): Promise<number>;
  windowed(): Promise<number>;
  stop(): void;
}

export async function startFakeGame(options: { display: string; title: string; dir: string; repoRoot: string }): Promise<FakeGame> {
  const script = join(options.dir, 'x11-fake-game.mjs');
  writeFileSync(script, CLIENT);
  const child: ChildProcess = spawn(process.execPath, [script], {
    env: { ...process.env, DISPLAY: options.display, GAME_TITLE: options.title, KOFFI_FROM: join(options.repoRoot, 'package.json') },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the fake game did not answer')), 10_000);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  const ready = await next();
  const match = /^ready (0x[0-9a-f]+)$/.exec(ready);
  if (!match) throw new Error(`the fake game failed: ${ready}`);
  const command = async (word: string) => {
    const answer = next();
    child.stdin!.write(`${word}\n`);
    const line = await answer;
    return Number(line.replace(/^done /, ''));
  };
  return {
    windowId: match[1]!,
    title: options.title,
    fullscreen: () => command('fullscreen'),
    windowed: () => command('windowed'),
    stop: () => {
      child.kill('SIGKILL');
    },
  };
}
