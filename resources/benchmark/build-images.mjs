#!/usr/bin/env node
// Builds the benchmark images as `docker save` tarballs, without Docker and without a registry:
//   resources/images/rigshift-bench-cpu.tar  (busybox-static + static cpu-bench)
//   resources/images/rigshift-bench-gpu.tar  (busybox-static + gpu-bench + glibc/libstdc++/libgcc)
//   resources/images/rigshift-demo-job.tar   (busybox-static + resources/devnet/demo-job/demo-job.sh:
//                                             the CPU jobs the devnet's demo requester posts)
// The image tag is a content hash of every input (sources, this recipe, compiler versions,
// Debian package versions), so a changed workload always means a new tag and the agent
// loads the new tarball instead of reusing a stale image.
//
// Usage: node resources/benchmark/build-images.mjs [--if-missing] [--force] [--cpu-only] [--gpu-only] [--demo-only]
//   --if-missing  do nothing for an image whose tarball already exists (any tag)
//   --force       rebuild even when the tarball already carries the current tag
// Needs: gcc with static glibc (libc6-dev), busybox-static, dpkg-deb; for the GPU image nvcc
// (CUDA 12.8+ for sm_120) and apt-get (falls back to the host's installed Debian packages).
// See README.md in this folder for the recipe in words.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, lstatSync, readlinkSync, renameSync, rmSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import tarStream from 'tar-stream';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const outDir = join(root, 'resources', 'images');
const args = new Set(process.argv.slice(2));

// Every timestamp in the images: fixed, so identical inputs give byte-identical tarballs.
const EPOCH = new Date('2024-01-01T00:00:00Z');
const CREATED = EPOCH.toISOString().replace('.000Z', 'Z');
const USER = '10001:10001';
const MULTIARCH = 'usr/lib/x86_64-linux-gnu';
// Real GPUs we target: Turing (sm_75) to consumer Blackwell (sm_120), plus PTX for newer ones.
const GPU_ARCHS = ['75', '80', '86', '89', '90', '100', '120'];

function log(message) {
  process.stdout.write(`[build:images] ${message}\n`);
}

function run(cmd, argv, options = {}) {
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

function which(cmd) {
  try {
    return run('sh', ['-c', `command -v ${cmd}`]).trim() || null;
  } catch {
    return null;
  }
}

function findNvcc() {
  const onPath = which('nvcc');
  if (onPath) return onPath;
  for (const candidate of [process.env.CUDA_HOME && join(process.env.CUDA_HOME, 'bin', 'nvcc'), '/usr/local/cuda/bin/nvcc']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return null;
}

function packageVersion(pkg) {
  return run('dpkg-query', ['-W', '-f=${Version}', pkg]).trim();
}

/**
 * The files of a Debian package, extracted into a temp dir. Prefers `apt-get download` of the
 * exact version installed on this host (the one the binaries were linked against), so the
 * .deb and its hash are recorded; offline it falls back to the installed files (dpkg -L).
 */
function debianPackage(pkg, workDir) {
  const version = packageVersion(pkg);
  const dir = join(workDir, `pkg-${pkg}`);
  mkdirSync(dir, { recursive: true });
  try {
    run('apt-get', ['download', `${pkg}=${version}`], { cwd: dir });
    const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error('no .deb downloaded');
    const tree = join(dir, 'tree');
    run('dpkg-deb', ['-x', join(dir, deb), tree]);
    return { pkg, version, source: `apt-get download ${deb}`, debSha256: sha256(readFileSync(join(dir, deb))), tree };
  } catch (error) {
    log(`apt-get download ${pkg}=${version} failed (${String(error.message).split('\n')[0]}); using the installed files`);
    return { pkg, version, source: 'installed package (dpkg -L)', debSha256: null, tree: '/', listed: run('dpkg', ['-L', pkg]).split('\n').filter(Boolean) };
  }
}

/** Reads a file of an extracted package by basename, following symlinks inside the tree. */
function packageFile(p, basename) {
  const candidates = p.listed
    ? p.listed.filter((f) => posix.basename(f) === basename)
    : walk(p.tree).filter((f) => posix.basename(f) === basename).map((f) => f.slice(p.tree.length));
  for (const rel of candidates) {
    let full = join(p.tree, rel);
    for (let hops = 0; hops < 8 && existsSync(full) && lstatSync(full).isSymbolicLink(); hops++) {
      const target = readlinkSync(full);
      full = target.startsWith('/') ? join(p.tree, target) : join(dirname(full), target);
    }
    if (existsSync(full) && lstatSync(full).isFile()) return readFileSync(full);
  }
  throw new Error(`${basename} not found in Debian package ${p.pkg} ${p.version}`);
}

/**
 * The package's copyright file. Some packages (libstdc++6, libgcc-s1) ship their doc dir as a
 * symlink into gcc-N-base; then the installed copy of the same version is used.
 */
function copyrightOf(p) {
  try {
    return packageFile(p, 'copyright');
  } catch {
    const installed = `/usr/share/doc/${p.pkg}/copyright`;
    if (existsSync(installed)) return readFileSync(installed);
    throw new Error(`no copyright file for ${p.pkg}: refusing to ship it without its licence`);
  }
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const st = lstatSync(full);
    if (st.isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

// ------------------------------------------------------------------ tar writing

/** A deterministic tar: entries sorted by path, root-owned, fixed mtime, no user/group names. */
async function deterministicTar(entries) {
  const pack = tarStream.pack();
  const chunks = [];
  pack.on('data', (chunk) => chunks.push(chunk));
  const done = new Promise((resolveDone, reject) => {
    pack.on('end', resolveDone);
    pack.on('error', reject);
  });
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of sorted) {
    const header = { name: e.name, mode: e.mode, uid: 0, gid: 0, uname: '', gname: '', mtime: EPOCH };
    if (e.type === 'dir') pack.entry({ ...header, type: 'directory' });
    else if (e.type === 'symlink') pack.entry({ ...header, type: 'symlink', linkname: e.target });
    else pack.entry({ ...header, type: 'file', size: e.data.length }, e.data);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Adds every parent directory of the given paths, so the layer has no implicit dirs. */
function withParentDirs(entries) {
  const names = new Set(entries.map((e) => e.name.replace(/\/$/, '')));
  const dirs = [];
  for (const e of entries) {
    const parts = e.name.replace(/\/$/, '').split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!names.has(d)) {
        names.add(d);
        dirs.push({ name: d, type: 'dir', mode: 0o755 });
      }
    }
  }
  return [...entries, ...dirs];
}

/**
 * The `docker save` (docker-archive) format: manifest.json first (the agent reads the tag
 * from it without unpacking the rest), repositories, the config blob, one uncompressed layer.
 */
async function dockerArchive({ repo, tag, layer, config }) {
  const layerId = sha256(layer);
  const configJson = Buffer.from(JSON.stringify({ ...config, rootfs: { type: 'layers', diff_ids: [`sha256:${layerId}`] } }));
  const configId = sha256(configJson);
  const manifest = [{ Config: `${configId}.json`, RepoTags: [`${repo}:${tag}`], Layers: [`${layerId}/layer.tar`] }];
  const entries = [
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
    { name: 'repositories', data: Buffer.from(JSON.stringify({ [repo]: { [tag]: layerId } })) },
    { name: `${configId}.json`, data: configJson },
    { name: `${layerId}/VERSION`, data: Buffer.from('1.0') },
    { name: `${layerId}/layer.tar`, data: layer },
  ];
  // Fixed order instead of sorted: manifest.json must come first.
  const pack = tarStream.pack();
  const chunks = [];
  pack.on('data', (c) => chunks.push(c));
  const done = new Promise((res, rej) => {
    pack.on('end', res);
    pack.on('error', rej);
  });
  const header = { mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: EPOCH };
  for (const e of entries) {
    if (e.name.endsWith('/VERSION')) pack.entry({ ...header, name: layerId, type: 'directory', mode: 0o755 });
    pack.entry({ ...header, name: e.name, type: 'file', size: e.data.length }, e.data);
  }
  pack.finalize();
  await done;
  return { archive: Buffer.concat(chunks), imageId: `sha256:${configId}` };
}

/** RepoTags[0] of an existing docker-archive tarball (manifest.json is near the start). */
function existingTag(tarPath) {
  if (!existsSync(tarPath)) return null;
  const fd = openSync(tarPath, 'r');
  try {
    const header = Buffer.alloc(512);
    let offset = 0;
    for (let i = 0; i < 16; i++) {
      if (readSync(fd, header, 0, 512, offset) < 512 || header[0] === 0) return null;
      const name = header.toString('utf8', 0, 100).replace(/\0.*$/s, '');
      const size = parseInt(header.toString('utf8', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
      if (name === 'manifest.json') {
        const body = Buffer.alloc(size);
        readSync(fd, body, 0, size, offset + 512);
        return JSON.parse(body.toString('utf8'))[0]?.RepoTags?.[0] ?? null;
      }
      offset += 512 + Math.ceil(size / 512) * 512;
    }
    return null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

// ------------------------------------------------------------------ rootfs pieces

function baseEntries(busybox) {
  return [
    { name: 'bin/busybox', type: 'file', mode: 0o755, data: busybox.data },
    // Only the applets the image is expected to need when someone debugs it by hand.
    ...['sh', 'cat', 'ls', 'env', 'id'].map((a) => ({ name: `bin/${a}`, type: 'symlink', mode: 0o777, target: 'busybox' })),
    { name: 'etc/passwd', type: 'file', mode: 0o644, data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nbench:x:10001:10001:RigShift benchmark:/tmp:/bin/sh\n') },
    { name: 'etc/group', type: 'file', mode: 0o644, data: Buffer.from('root:x:0:\nbench:x:10001:\n') },
    { name: 'tmp', type: 'dir', mode: 0o1777 },
    { name: 'usr/share/doc/busybox-static/copyright', type: 'file', mode: 0o644, data: busybox.copyright },
  ];
}

function imageConfig({ name, version, inputsHash, entrypoint, env, packages }) {
  return {
    architecture: 'amd64',
    os: 'linux',
    created: CREATED,
    author: 'RigShift build-images.mjs',
    config: {
      User: USER,
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', ...env],
      Entrypoint: entrypoint,
      Cmd: [],
      WorkingDir: '/tmp',
      Labels: {
        'io.rigshift.image': name,
        'io.rigshift.bench.version': version,
        'io.rigshift.bench.inputs': inputsHash,
        'io.rigshift.bench.packages': packages.map((p) => `${p.pkg}=${p.version}`).join(' '),
      },
    },
    history: [{ created: CREATED, created_by: 'node resources/benchmark/build-images.mjs', comment: 'single layer, built without Docker' }],
  };
}

async function writeImage({ file, repo, version, entries, config }) {
  const layer = await deterministicTar(withParentDirs(entries));
  const { archive, imageId } = await dockerArchive({ repo, tag: version, layer, config });
  mkdirSync(outDir, { recursive: true });
  const target = join(outDir, file);
  const temp = `${target}.tmp-${process.pid}`;
  writeFileSync(temp, archive);
  renameSync(temp, target); // atomic: the agent never sees half a tarball
  return { target, imageId, bytes: archive.length, layerBytes: layer.length };
}

function inputsHash(parts) {
  const h = createHash('sha256');
  for (const [key, value] of parts) h.update(`${key}\0`).update(value).update('\0');
  return h.digest('hex').slice(0, 12);
}

// ------------------------------------------------------------------ the two images

const pkgVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const recipe = readFileSync(fileURLToPath(import.meta.url));

function shouldSkip(file, tag) {
  const current = existingTag(join(outDir, file));
  if (args.has('--if-missing') && current) {
    log(`${file} exists (${current}); --if-missing, skipped`);
    return true;
  }
  if (!args.has('--force') && current && tag && current.endsWith(`:${tag}`)) {
    log(`${file} is up to date (${current})`);
    return true;
  }
  return false;
}

async function buildCpu(workDir, busybox) {
  const source = readFileSync(join(here, 'cpu-bench.c'));
  const gccVersion = run('gcc', ['--version']).split('\n')[0];
  const libcDev = packageVersion('libc6-dev');
  const version = `${pkgVersion}-${inputsHash([
    ['recipe', recipe],
    ['cpu-bench.c', source],
    ['gcc', gccVersion],
    ['libc6-dev', libcDev],
    ['busybox-static', busybox.version],
  ])}`;
  if (shouldSkip('rigshift-bench-cpu.tar', version)) return null;
  const started = Date.now();
  const bin = join(workDir, 'cpu-bench');
  // -ffile-prefix-map keeps the build path out of the binary, for reproducible output.
  run('gcc', ['-O3', '-static', '-pthread', `-ffile-prefix-map=${here}=.`, '-Wl,--build-id=none', '-o', bin, join(here, 'cpu-bench.c'), '-lm']);
  const packages = [
    { pkg: 'busybox-static', version: busybox.version, source: busybox.source, debSha256: busybox.debSha256 },
    { pkg: 'libc6-dev', version: libcDev, source: 'static link (gcc -static)', debSha256: null },
  ];
  const buildInfo = { image: 'bench-cpu', version, compiler: gccVersion, packages };
  const entries = [
    ...baseEntries(busybox),
    { name: 'usr/local/bin/cpu-bench', type: 'file', mode: 0o755, data: readFileSync(bin) },
    { name: 'etc/rigshift-bench.json', type: 'file', mode: 0o644, data: Buffer.from(`${JSON.stringify(buildInfo, null, 2)}\n`) },
  ];
  const config = imageConfig({ name: 'bench-cpu', version, inputsHash: version, entrypoint: ['/usr/local/bin/cpu-bench'], env: [], packages });
  const written = await writeImage({ file: 'rigshift-bench-cpu.tar', repo: 'rigshift/bench-cpu', version, entries, config });
  log(`rigshift/bench-cpu:${version} -> ${written.target} (${(written.bytes / 1e6).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return written;
}

async function buildGpu(workDir, busybox) {
  const nvcc = findNvcc();
  if (!nvcc) {
    log('GPU image skipped: nvcc not found (install the CUDA toolkit or set CUDA_HOME); the CPU image was still built');
    return null;
  }
  const source = readFileSync(join(here, 'gpu-bench.cu'));
  const nvccVersion = run(nvcc, ['--version']).trim().split('\n').pop();
  const gccVersion = run('gcc', ['--version']).split('\n')[0];
  const runtimePkgs = ['libc6', 'libstdc++6', 'libgcc-s1'];
  const versions = runtimePkgs.map((p) => [p, packageVersion(p)]);
  const version = `${pkgVersion}-${inputsHash([
    ['recipe', recipe],
    ['gpu-bench.cu', source],
    ['nvcc', nvccVersion],
    ['gcc', gccVersion],
    ['busybox-static', busybox.version],
    ...versions,
  ])}`;
  if (shouldSkip('rigshift-bench-gpu.tar', version)) return null;
  const started = Date.now();
  const bin = join(workDir, 'gpu-bench');
  const gencode = GPU_ARCHS.flatMap((a) => ['-gencode', `arch=compute_${a},code=sm_${a}`]);
  const last = GPU_ARCHS[GPU_ARCHS.length - 1];
  log(`compiling gpu-bench.cu for sm_${GPU_ARCHS.join(', sm_')} + PTX (about a minute)`);
  run(nvcc, ['-O3', '-std=c++17', '-cudart', 'static', ...gencode, '-gencode', `arch=compute_${last},code=compute_${last}`,
    `-Xcompiler=-ffile-prefix-map=${here}=.`, '-Xlinker=--build-id=none', '-o', bin, join(here, 'gpu-bench.cu')]);
  const pkgs = runtimePkgs.map((p) => debianPackage(p, workDir));
  const [libc, libstdcxx, libgcc] = pkgs;
  // The NVIDIA toolkit mounts the host's libcuda.so into /usr/lib/x86_64-linux-gnu at start;
  // it and gpu-bench need this glibc, and some injected driver libraries need libgcc_s/libstdc++.
  const libs = [
    [libc, ['ld-linux-x86-64.so.2', 'libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'librt.so.1']],
    [libstdcxx, ['libstdc++.so.6']],
    [libgcc, ['libgcc_s.so.1']],
  ];
  const entries = [
    ...baseEntries(busybox),
    { name: 'usr/local/bin/gpu-bench', type: 'file', mode: 0o755, data: readFileSync(bin) },
    // Merged /usr like Debian: /lib -> usr/lib; the loader path the binary asks for lives in /lib64.
    { name: 'lib', type: 'symlink', mode: 0o777, target: 'usr/lib' },
    { name: 'lib64/ld-linux-x86-64.so.2', type: 'symlink', mode: 0o777, target: `/${MULTIARCH}/ld-linux-x86-64.so.2` },
    { name: 'etc/ld.so.conf', type: 'file', mode: 0o644, data: Buffer.from('include /etc/ld.so.conf.d/*.conf\n') },
    { name: 'etc/ld.so.conf.d/x86_64-linux-gnu.conf', type: 'file', mode: 0o644, data: Buffer.from(`/usr/local/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n/${MULTIARCH}\n`) },
    ...libs.flatMap(([p, names]) => names.map((n) => ({ name: `${MULTIARCH}/${n}`, type: 'file', mode: 0o755, data: packageFile(p, n) }))),
    ...pkgs.map((p) => ({ name: `usr/share/doc/${p.pkg}/copyright`, type: 'file', mode: 0o644, data: copyrightOf(p) })),
  ];
  const packages = [
    { pkg: 'busybox-static', version: busybox.version, source: busybox.source, debSha256: busybox.debSha256 },
    ...pkgs.map((p) => ({ pkg: p.pkg, version: p.version, source: p.source, debSha256: p.debSha256 })),
  ];
  const buildInfo = { image: 'bench-gpu', version, compiler: nvccVersion, hostCompiler: gccVersion, archs: GPU_ARCHS, packages };
  entries.push({ name: 'etc/rigshift-bench.json', type: 'file', mode: 0o644, data: Buffer.from(`${JSON.stringify(buildInfo, null, 2)}\n`) });
  const config = imageConfig({ name: 'bench-gpu', version, inputsHash: version, entrypoint: ['/usr/local/bin/gpu-bench'], env: [], packages });
  const written = await writeImage({ file: 'rigshift-bench-gpu.tar', repo: 'rigshift/bench-gpu', version, entries, config });
  log(`rigshift/bench-gpu:${version} -> ${written.target} (${(written.bytes / 1e6).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const p of packages) log(`  ${p.pkg} ${p.version} from ${p.source}${p.debSha256 ? ` sha256:${p.debSha256}` : ''}`);
  return written;
}

// ------------------------------------------------------------------ the demo job image (devnet)

// The applets demo-job.sh uses, as symlinks to busybox.
const DEMO_APPLETS = ['awk', 'cp', 'cut', 'date', 'echo', 'gzip', 'printf', 'seq', 'sha256sum', 'wc', 'mkdir', 'rm', 'sleep', 'head', 'tr'];

async function buildDemo(busybox) {
  const script = readFileSync(join(root, 'resources', 'devnet', 'demo-job', 'demo-job.sh'));
  const version = `${pkgVersion}-${inputsHash([
    ['recipe', recipe],
    ['demo-job.sh', script],
    ['busybox-static', busybox.version],
  ])}`;
  if (shouldSkip('rigshift-demo-job.tar', version)) return null;
  const packages = [{ pkg: 'busybox-static', version: busybox.version, source: busybox.source, debSha256: busybox.debSha256 }];
  const entries = [
    ...baseEntries(busybox),
    ...DEMO_APPLETS.map((a) => ({ name: `bin/${a}`, type: 'symlink', mode: 0o777, target: 'busybox' })),
    { name: 'usr/local/bin/demo-job', type: 'file', mode: 0o755, data: script },
  ];
  const config = imageConfig({ name: 'demo-job', version, inputsHash: version, entrypoint: ['/bin/sh', '/usr/local/bin/demo-job'], env: [], packages });
  const written = await writeImage({ file: 'rigshift-demo-job.tar', repo: 'rigshift/demo-job', version, entries, config });
  log(`rigshift/demo-job:${version} -> ${written.target} (${(written.bytes / 1e6).toFixed(1)} MB, image id ${written.imageId})`);
  return written;
}

async function main() {
  for (const a of args) {
    if (!['--if-missing', '--force', '--cpu-only', '--gpu-only', '--demo-only'].includes(a)) {
      console.error(`unknown argument ${a}`);
      process.exit(2);
    }
  }
  // `npm start`, `npm run headless` and `npm run devnet` call this with --if-missing on every
  // run: when every wanted tarball is there, answer at once (no package download, no gcc).
  const wanted = [
    ...(!args.has('--gpu-only') && !args.has('--demo-only') ? ['rigshift-bench-cpu.tar'] : []),
    ...(!args.has('--cpu-only') && !args.has('--demo-only') ? ['rigshift-bench-gpu.tar'] : []),
    ...(!args.has('--cpu-only') && !args.has('--gpu-only') ? ['rigshift-demo-job.tar'] : []),
  ];
  if (args.has('--if-missing') && wanted.every((file) => existingTag(join(outDir, file)))) return;
  if (args.has('--if-missing')) log(`building the missing images once (${wanted.filter((f) => !existingTag(join(outDir, f))).join(', ')}); this takes a minute or two`);
  if (!existsSync('/bin/busybox') || !which('gcc') || !which('dpkg-query')) {
    console.error('[build:images] needs a Debian/Ubuntu host with gcc, libc6-dev and busybox-static (apt-get install build-essential busybox-static)');
    process.exit(1);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'rigshift-images-'));
  try {
    const bb = debianPackage('busybox-static', workDir);
    const busybox = { version: bb.version, source: bb.source, debSha256: bb.debSha256, data: packageFile(bb, 'busybox'), copyright: copyrightOf(bb) };
    if (!args.has('--gpu-only') && !args.has('--demo-only')) await buildCpu(workDir, busybox);
    if (!args.has('--cpu-only') && !args.has('--demo-only')) await buildGpu(workDir, busybox);
    if (!args.has('--cpu-only') && !args.has('--gpu-only')) await buildDemo(busybox);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`[build:images] failed: ${error.stderr || error.message}`);
  process.exit(1);
});
