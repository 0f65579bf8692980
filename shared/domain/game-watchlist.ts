/**
 * The built-in watch list: executables whose presence means a game is RUNNING right now,
 * not merely that a launcher sits in the tray. Matching is case-insensitive and ignores a
 * trailing ".exe" (so "cs2.exe" also matches the native Linux "cs2"); `*` matches any run
 * of characters (Unreal Engine names every shipping build "<Project>-Win64-Shipping.exe").
 * On Linux, Proton/Wine games show up under their Windows names (the agent reads the
 * full argv[0], not the 15-character comm), so one list serves both systems.
 */

export interface WatchGroup {
  /** Why these names mean a game is running. */
  why: string;
  names: readonly string[];
}

export const BUILT_IN_WATCH_GROUPS: readonly WatchGroup[] = [
  {
    // Steam starts its overlay UI process next to each game it launches and ends it when
    // the game exits; with only the Steam client open it does not run.
    why: 'Steam overlay: runs only while a Steam game runs',
    names: ['gameoverlayui.exe', 'gameoverlayui64.exe'],
  },
  {
    // Easy Anti-Cheat and BattlEye are services the game's bootstrapper starts with the
    // game and stops after it (unlike Riot Vanguard's vgc, which runs from boot).
    why: 'Anti-cheat services that start with a protected game',
    names: ['EasyAntiCheat.exe', 'EasyAntiCheat_EOS.exe', 'BEService.exe', 'BEService_x64.exe'],
  },
  {
    // Engine-specific companions or naming rules that only exist while a game built on that
    // engine is running: Unity launches its crash handler alongside every player build;
    // Unreal shipping builds are named <Project>-Win64-Shipping.exe; Source 1 games run hl2.
    why: 'Game engine executables and their per-game companions',
    names: ['UnityCrashHandler64.exe', 'UnityCrashHandler32.exe', '*-Win64-Shipping.exe', '*-WinGDK-Shipping.exe', 'hl2.exe', 'hl2_linux'],
  },
  {
    // The in-game executables of some of the most played PC games (not their launchers).
    why: 'Popular games (the game itself, not its launcher)',
    names: [
      'cs2.exe',
      'dota2.exe',
      'League of Legends.exe',
      'r5apex.exe',
      'r5apex_dx12.exe',
      'GTA5.exe',
      'GTA5_Enhanced.exe',
      'RDR2.exe',
      'Cyberpunk2077.exe',
      'eldenring.exe',
      'bg3.exe',
      'bg3_dx11.exe',
      'Overwatch.exe',
      'destiny2.exe',
      'TslGame.exe',
      'RainbowSix.exe',
      'RocketLeague.exe',
      'cod.exe',
      'Warframe.x64.exe',
      'witcher3.exe',
      'Minecraft.Windows.exe',
      'FC25.exe',
      'Helldivers2.exe',
    ],
  },
];

/**
 * Deliberately NOT on the list: these run all day in the tray or as services, so watching
 * them would keep the GPU paused whenever the owner merely has the launcher installed.
 * A test checks that none of them slipped into BUILT_IN_WATCH_GROUPS.
 */
export const NOT_WATCHED: readonly { name: string; why: string }[] = [
  { name: 'steam.exe', why: 'the Steam client stays open in the tray all day' },
  { name: 'steamwebhelper.exe', why: "the Steam client's browser, open whenever Steam is" },
  { name: 'EpicGamesLauncher.exe', why: 'launcher, often started with Windows' },
  { name: 'Battle.net.exe', why: 'launcher, often started with Windows' },
  { name: 'EADesktop.exe', why: 'launcher, often started with Windows' },
  { name: 'upc.exe', why: 'Ubisoft Connect launcher' },
  { name: 'GalaxyClient.exe', why: 'GOG Galaxy launcher' },
  { name: 'RiotClientServices.exe', why: 'Riot launcher' },
  { name: 'LeagueClient.exe', why: "League's lobby client; the match itself is League of Legends.exe" },
  { name: 'vgc.exe', why: 'Riot Vanguard runs from boot, game or not' },
  { name: 'javaw.exe', why: 'any Java desktop app, not only Minecraft' },
  { name: 'Discord.exe', why: 'chat app, open all day' },
];

/** Every built-in name, flattened. */
export const BUILT_IN_WATCH_LIST: readonly string[] = BUILT_IN_WATCH_GROUPS.flatMap((group) => group.names);
