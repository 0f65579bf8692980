/**
 * The exact fix instructions shown next to an amber or red check, per OS. Commands are
 * for Debian/Ubuntu on Linux (what NVIDIA's own install guide leads with) and for
 * PowerShell / the Docker Desktop UI on Windows.
 *
 * Format (the renderer and the CLI both read it): plain lines are prose; a line starting
 * with `$ ` (a shell command) or `PS> ` (PowerShell) is a command the UI shows with a
 * Copy button. One command per line, so each can be copied and run on its own.
 */
export interface Fix {
  linux: string;
  windows: string;
}

export const installDriverFix: Fix = {
  linux: [
    'Install the proprietary NVIDIA driver, then reboot (Ubuntu shown; other distributions: install their NVIDIA driver package).',
    '$ sudo ubuntu-drivers install',
    '$ sudo reboot',
  ].join('\n'),
  windows:
    'Install the latest NVIDIA Game Ready or Studio driver from https://www.nvidia.com/Download/index.aspx, then restart Windows.',
};

export const rebootAfterDriverFix: Fix = {
  linux: ['Reboot to load the NVIDIA driver that was installed or updated, then check it answers:', '$ sudo reboot', '$ nvidia-smi'].join('\n'),
  windows: 'Restart Windows; if nvidia-smi still fails, reinstall the driver from https://www.nvidia.com/Download/index.aspx (choose "Clean installation").',
};

export const installNvidiaSmiFix: Fix = {
  linux: ['Install the nvidia-smi tool matching the loaded driver:', '$ sudo apt-get install -y nvidia-utils-$(cut -d. -f1 /sys/module/nvidia/version)'].join('\n'),
  windows:
    'Reinstall the NVIDIA driver from https://www.nvidia.com/Download/index.aspx (choose "Clean installation"); it puts nvidia-smi.exe in C:\\Windows\\System32.',
};

export const dockerUnreachableFix: Fix = {
  linux: [
    'Start Docker now and at every boot, and let your user talk to it (log out and back in afterwards):',
    '$ sudo systemctl enable --now docker',
    '$ sudo usermod -aG docker "$USER"',
    'Docker not installed? Install it first:',
    '$ curl -fsSL https://get.docker.com | sudo sh',
  ].join('\n'),
  windows: [
    'Install Docker Desktop and update WSL, then start Docker Desktop, keep Settings > General > "Use the WSL 2 based engine" on, and wait for "Engine running":',
    'PS> winget install -e --id Docker.DockerDesktop',
    'PS> wsl --update',
  ].join('\n'),
};

const TOOLKIT_APT_REPO = [
  '$ curl -fsSL https://nvidia.github.io/libnvidia-container/gpgkey | sudo gpg --dearmor -o /usr/share/keyrings/nvidia-container-toolkit-keyring.gpg',
  "$ curl -s -L https://nvidia.github.io/libnvidia-container/stable/deb/nvidia-container-toolkit.list | sed 's#deb https://#deb [signed-by=/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg] https://#g' | sudo tee /etc/apt/sources.list.d/nvidia-container-toolkit.list",
];

const TOOLKIT_PACKAGES = 'nvidia-container-toolkit nvidia-container-toolkit-base libnvidia-container-tools libnvidia-container1';

export function installToolkitFix(minimumVersion: string, dockerDesktopMinimum: string): Fix {
  return {
    linux: [
      "Install the NVIDIA Container Toolkit from NVIDIA's repository and register it with Docker:",
      ...TOOLKIT_APT_REPO,
      '$ sudo apt-get update',
      `$ sudo apt-get install -y ${TOOLKIT_PACKAGES}`,
      '$ sudo nvidia-ctk runtime configure --runtime=docker',
      '$ sudo systemctl restart docker',
      `Check: this must print ${minimumVersion} or newer.`,
      '$ nvidia-ctk --version',
    ].join('\n'),
    windows: updateDockerDesktop(dockerDesktopMinimum),
  };
}

export function upgradeToolkitFix(minimumVersion: string, dockerDesktopMinimum: string): Fix {
  return {
    linux: [
      'Upgrade the NVIDIA Container Toolkit and restart Docker:',
      '$ sudo apt-get update',
      `$ sudo apt-get install -y --only-upgrade ${TOOLKIT_PACKAGES}`,
      '$ sudo systemctl restart docker',
      `Check: this must print ${minimumVersion} or newer.`,
      '$ nvidia-ctk --version',
    ].join('\n'),
    windows: updateDockerDesktop(dockerDesktopMinimum),
  };
}

function updateDockerDesktop(minimum: string): string {
  return [
    `Update Docker Desktop to ${minimum} or newer (or use Docker Desktop > Settings > Software updates), then restart it:`,
    'PS> winget upgrade -e --id Docker.DockerDesktop',
  ].join('\n');
}

export const removeNvidiaDefaultRuntimeFix: Fix = {
  linux: [
    'Remove "default-runtime" from the Docker daemon configuration and restart Docker:',
    "$ sudo jq 'del(.\"default-runtime\")' /etc/docker/daemon.json | sudo tee /etc/docker/daemon.json.new >/dev/null",
    '$ sudo mv /etc/docker/daemon.json.new /etc/docker/daemon.json',
    '$ sudo systemctl restart docker',
  ].join('\n'),
  windows: 'Docker Desktop > Settings > Docker Engine: delete the "default-runtime": "nvidia" line, then Apply & restart.',
};

export function installGvisorFix(gpu: boolean): Fix {
  const register = gpu
    ? ['$ sudo runsc install', '$ sudo runsc install --runtime runsc-gpu -- --nvproxy=true --nvproxy-allowed-driver-capabilities=compute,utility']
    : ['$ sudo runsc install'];
  return {
    linux: [
      "Install gVisor from its repository, register runsc with Docker, and restart Docker:",
      '$ curl -fsSL https://gvisor.dev/archive.key | sudo gpg --dearmor -o /usr/share/keyrings/gvisor-archive-keyring.gpg',
      '$ echo "deb [arch=$(dpkg --print-architecture) signed-by=/usr/share/keyrings/gvisor-archive-keyring.gpg] https://storage.googleapis.com/gvisor/releases release main" | sudo tee /etc/apt/sources.list.d/gvisor.list',
      '$ sudo apt-get update && sudo apt-get install -y runsc',
      ...register,
      '$ sudo systemctl restart docker',
    ].join('\n'),
    windows: "Nothing to do: gVisor cannot run inside Docker Desktop's WSL 2 engine, so RigShift uses runc there.",
  };
}

export const startDockerFirstFix: Fix = {
  linux: ['Start Docker, then run the checks again:', '$ sudo systemctl enable --now docker'].join('\n'),
  windows: 'Start Docker Desktop and wait for "Engine running", then run the checks again.',
};
