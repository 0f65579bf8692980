/**
 * A fake game for the Wine tests: run by Windows node.exe copied under a game's name
 * (eldenring.exe). It opens a borderless popup window through koffi (CreateWindowExW with
 * the predefined STATIC class, so no window procedure is needed) and follows a control file:
 * "small <n>" → a 640×480 window, "full <n>" → a borderless window the size of the screen.
 * After applying command <n> it writes "<n> <Date.now()>" to the status file.
 * Usage: eldenring.exe fake-game.mjs <control file> <status file>
 */
import fs from 'node:fs';
import koffi from 'koffi';

const [controlFile, statusFile] = process.argv.slice(2);
const user32 = koffi.load('user32.dll');
const CreateWindowExW = user32.func(
  'uintptr_t __stdcall CreateWindowExW(uint32_t exStyle, str16 className, str16 title, uint32_t style, int x, int y, int w, int h, uintptr_t parent, uintptr_t menu, uintptr_t instance, uintptr_t param)',
);
const SetWindowPos = user32.func('bool __stdcall SetWindowPos(uintptr_t hwnd, uintptr_t after, int x, int y, int w, int h, uint32_t flags)');
const SetForegroundWindow = user32.func('bool __stdcall SetForegroundWindow(uintptr_t hwnd)');
const ShowWindow = user32.func('bool __stdcall ShowWindow(uintptr_t hwnd, int cmd)');
const PeekMessageW = user32.func('bool __stdcall PeekMessageW(void *msg, uintptr_t hwnd, uint32_t min, uint32_t max, uint32_t remove)');
const TranslateMessage = user32.func('bool __stdcall TranslateMessage(void *msg)');
const DispatchMessageW = user32.func('intptr_t __stdcall DispatchMessageW(void *msg)');
const GetSystemMetrics = user32.func('int __stdcall GetSystemMetrics(int index)');

const WS_POPUP = 0x80000000;
const WS_VISIBLE = 0x10000000;
const SWP_SHOWWINDOW = 0x0040;
const SWP_FRAMECHANGED = 0x0020;
const PM_REMOVE = 0x1;
const width = GetSystemMetrics(0);
const height = GetSystemMetrics(1);
const hwnd = CreateWindowExW(0, 'STATIC', 'Fake Elden Ring', (WS_POPUP | WS_VISIBLE) >>> 0, 100, 100, 640, 480, 0, 0, 0, 0);
if (!hwnd) throw new Error('CreateWindowExW failed');
ShowWindow(hwnd, 5);
SetForegroundWindow(hwnd);

const msg = Buffer.alloc(48);
let applied = '';
setInterval(() => {
  while (PeekMessageW(msg, 0, 0, 0, PM_REMOVE)) {
    TranslateMessage(msg);
    DispatchMessageW(msg);
  }
  let command;
  try {
    command = fs.readFileSync(controlFile, 'utf8').trim();
  } catch {
    return;
  }
  if (command === applied || command === '') return;
  const [mode, n] = command.split(' ');
  if (mode === 'exit') process.exit(0);
  const [x, y, w, h] = mode === 'full' ? [0, 0, width, height] : [100, 100, 640, 480];
  SetWindowPos(hwnd, 0, x, y, w, h, SWP_SHOWWINDOW | SWP_FRAMECHANGED);
  SetForegroundWindow(hwnd);
  applied = command;
  fs.writeFileSync(statusFile, `${n} ${Date.now()}`);
}, 5);
