/**
 * The exact fix instructions shown next to an amber or red check, per OS. Commands are
 * for Debian/Ubuntu on Linux (what NVIDIA's own install guide leads with) and for
 * PowerShell / the Docker Desktop UI on Windows.
 */
export interface Fix {
  linux: string;
  windows: string;
}

export const installDriverFix: Fix = {
  linux: 'sudo ubuntu-drivers install && sudo reboot  # other distributions: install the proprietary NVIDIA driver package, then reboot',
  windows:
    'Install the latest NVIDIA Game Ready or Studio driver from https://www.nvidia.com/Download/index.aspx, then restart Windows.',
};

export const rebootAfterDriverFix: Fix = {
  linux: 'sudo reboot  # loads the NVIDIA driver that was installed or updated; then check with: nvidia-smi',
  windows: 'Restart Windows; if nvidia-smi still fails, reinstall the driver from https://www.nvidia.com/Download/index.aspx (choose "Clean installation").',
};

export const installNvidiaSmiFix: Fix = {
  linux: 'sudo apt-get install -y nvidia-utils-$(cut -d. -f1 /sys/module/nvidia/version)',
  windows:
    'Reinstall the NVIDIA driver from https://www.nvidia.com/Download/index.aspx (choose "Clean installation"); it puts nvidia-smi.exe in C:\\Windows\\System32.',
};

export const dockerUnreachableFix: Fix = {
  linux:
    'sudo systemctl enable --now docker && sudo usermod -aG docker "$USER"  # then log out and back in. Docker not installed? curl -fsSL https://get.docker.com | sudo sh',
  windows:
    'winget install -e --id Docker.DockerDesktop ; wsl --update  # then start Docker Desktop, keep Settings > General > "Use the WSL 2 based engine" on, and wait for "Engine running".',
};

const TOOLKIT_APT_REPO =
  "curl -fsSL https://nvidia.github.io/libnvidia-container/gpgkey | sudo gpg --dearmor -o /usr/share/keyrings/nvidia-container-toolkit-keyring.gpg && curl -s -L https://nvidia.github.io/libnvidia-container/stable/deb/nvidia-container-toolkit.list | sed 's#deb https://#deb [signed-by=/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg] https://#g' | sudo tee /etc/apt/sources.list.d/nvidia-container-toolkit.list";

const TOOLKIT_PACKAGES = 'nvidia-container-toolkit nvidia-container-toolkit-base libnvidia-container-tools libnvidia-container1';

export function installToolkitFix(minimumVersion: string, dockerDesktopMinimum: string): Fix {
  return {
    linux: `${TOOLKIT_APT_REPO} && sudo apt-get update && sudo apt-get install -y ${TOOLKIT_PACKAGES} && sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker && nvidia-ctk --version  # must print ${minimumVersion} or newer`,
    windows: updateDockerDesktop(dockerDesktopMinimum),
  };
}

export function upgradeToolkitFix(minimumVersion: string, dockerDesktopMinimum: string): Fix {
  return {
    linux: `sudo apt-get update && sudo apt-get install -y --only-upgrade ${TOOLKIT_PACKAGES} && sudo systemctl restart docker && nvidia-ctk --version  # must print ${minimumVersion} or newer`,
    windows: updateDockerDesktop(dockerDesktopMinimum),
  };
}

function updateDockerDesktop(minimum: string): string {
  return `winget upgrade -e --id Docker.DockerDesktop  # or Docker Desktop > Settings > Software updates > Check for updates; needs ${minimum} or newer, then restart Docker Desktop`;
}

export const removeNvidiaDefaultRuntimeFix: Fix = {
  linux:
    "sudo jq 'del(.\"default-runtime\")' /etc/docker/daemon.json | sudo tee /etc/docker/daemon.json.new >/dev/null && sudo mv /etc/docker/daemon.json.new /etc/docker/daemon.json && sudo systemctl restart docker",
  windows:
    'Docker Desktop > Settings > Docker Engine: delete the "default-runtime": "nvidia" line, then Apply & restart.',
};

export function installGvisorFix(gpu: boolean): Fix {
  const register = gpu
    ? 'sudo runsc install && sudo runsc install --runtime runsc-gpu -- --nvproxy=true --nvproxy-allowed-driver-capabilities=compute,utility'
    : 'sudo runsc install';
  return {
    linux: `curl -fsSL https://gvisor.dev/archive.key | sudo gpg --dearmor -o /usr/share/keyrings/gvisor-archive-keyring.gpg && echo "deb [arch=$(dpkg --print-architecture) signed-by=/usr/share/keyrings/gvisor-archive-keyring.gpg] https://storage.googleapis.com/gvisor/releases release main" | sudo tee /etc/apt/sources.list.d/gvisor.list && sudo apt-get update && sudo apt-get install -y runsc && ${register} && sudo systemctl restart docker`,
    windows: 'Nothing to do: gVisor cannot run inside Docker Desktop\'s WSL 2 engine, so RigShift uses runc there.',
  };
}

export const startDockerFirstFix: Fix = {
  linux: 'sudo systemctl enable --now docker  # then run the checks again',
  windows: 'Start Docker Desktop and wait for "Engine running", then run the checks again.',
};
