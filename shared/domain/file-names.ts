/**
 * File names Windows reserves for devices. A job's input is written into the owner's data
 * folder and its outputs are copied there; on a Windows rig "COM1" or "nul.txt" would not
 * be a file at all but a serial port or the null device (CreateFile opens the device,
 * whatever the folder). Windows matches the part before the first dot, ignoring case,
 * trailing spaces and dots, and counts the superscript digits ¹ ² ³ as digits
 * (learn.microsoft.com, "Naming Files, Paths, and Namespaces").
 */
const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|(com|lpt)[0-9¹²³])$/i;

/** True when Windows would treat this name as a device, not a file. */
export function isWindowsReservedName(name: string): boolean {
  const stem = name.replace(/[. ]+$/, '').split('.')[0] ?? '';
  return RESERVED.test(stem.replace(/ +$/, ''));
}

export const WINDOWS_RESERVED_NAME_REASON =
  'is a device name on Windows (CON, PRN, AUX, NUL, COM0-9 and LPT0-9, with any extension): choose another file name';
